import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint } from '../src/engine.js';
import { collectFacts } from '../src/facts/index.js';
import { ensurePythonParser, extractPythonFacts, isPythonLoaded, isPythonPath, mightHoldPythonMiddleware } from '../src/frontends/python/index.js';
import type { FileFacts, StackEntryFact } from '../src/model.js';
import { fixturesRoot, repoRoot } from './fixture-cases.js';

const options = frontendOptions(defaultConfig());
const settingsDir = join(fixturesRoot, 'python-settings', 'proj', 'settings');

beforeAll(async () => {
  await ensurePythonParser();
});

function factsOf(text: string, path = '/proj/settings.py'): FileFacts {
  return extractFacts(path, text, options);
}

/**
 * Entries as `kind:value`, strings by their last segment; `?a0` = condition a (ids lettered in
 * order of appearance), branch 0; `~` = position unknown.
 */
function show(entries: StackEntryFact[]): string[] {
  const ids: number[] = [];
  return entries.map((e) => {
    const value = e.kind === 'string' && /^[\w.]+$/.test(e.value) ? e.value.split('.').pop()! : e.value;
    let s = `${e.kind}:${value}`;
    if (e.condition) {
      if (!ids.includes(e.condition.id)) ids.push(e.condition.id);
      s += `?${String.fromCharCode(97 + ids.indexOf(e.condition.id))}${e.condition.branch}`;
    }
    return e.positionUnknown ? `${s}~` : s;
  });
}

function stack(text: string, setting = 'MIDDLEWARE'): string[] {
  const facts = factsOf(text);
  expect(facts.fatal).toBeUndefined();
  const found = facts.stacks.find((s) => s.setting === setting);
  if (!found) throw new Error(`no ${setting} in ${JSON.stringify(facts.stacks.map((s) => s.setting))}`);
  return show(found.entries);
}

const SEC = '"django.middleware.security.SecurityMiddleware"';
const SES = '"django.contrib.sessions.middleware.SessionMiddleware"';
const COMMON = '"django.middleware.common.CommonMiddleware"';
const CSRF = '"django.middleware.csrf.CsrfViewMiddleware"';
const AUTH = '"django.contrib.auth.middleware.AuthenticationMiddleware"';

describe('Python settings: lists and tuples', () => {
  it('reads a literal list in order, with ranges on the strings and the list, as the setting', () => {
    const text = `MIDDLEWARE = [\n    ${SEC},\n    ${SES},  # sessions\n    '${COMMON.slice(1, -1)}',\n]\n`;
    const facts = factsOf(text);
    expect(facts.language).toBe('python');
    expect(facts.units).toEqual([]);
    const [mw] = facts.stacks;
    expect(mw).toMatchObject({ setting: 'MIDDLEWARE', role: 'setting', exported: true, nameRange: { start: 0, end: 10 }, range: { start: 0, end: text.length - 1 } });
    expect(mw!.entries.map((e) => [e.kind, e.value, text.slice(e.range.start, e.range.end)])).toEqual([
      ['string', 'django.middleware.security.SecurityMiddleware', SEC],
      ['string', 'django.contrib.sessions.middleware.SessionMiddleware', SES],
      ['string', 'django.middleware.common.CommonMiddleware', `'django.middleware.common.CommonMiddleware'`],
    ]);
    expect(mw!.entries.every((e) => e.arrayRange && text.slice(e.arrayRange.start, e.arrayRange.end).startsWith('[') && e.arrayRange.end === text.length - 1)).toBe(true);
  });

  it('reads tuples (a one-element one too), MIDDLEWARE_CLASSES and INSTALLED_APPS', () => {
    expect(stack(`MIDDLEWARE = (${SEC}, ${SES})\n`)).toEqual(['string:SecurityMiddleware', 'string:SessionMiddleware']);
    expect(stack(`MIDDLEWARE = (${SEC},)\n`)).toEqual(['string:SecurityMiddleware']);
    expect(stack(`MIDDLEWARE = ${SEC}, ${SES}\n`)).toEqual(['string:SecurityMiddleware', 'string:SessionMiddleware']);
    expect(stack(`MIDDLEWARE = [\n    (  # parenthesized, with a comment\n        ${SEC}\n    ),\n]\n`)).toEqual(['string:SecurityMiddleware']);
    expect(stack(`MIDDLEWARE_CLASSES = (${SES}, ${AUTH})\n`, 'MIDDLEWARE_CLASSES')).toEqual(['string:SessionMiddleware', 'string:AuthenticationMiddleware']);
    expect(stack(`INSTALLED_APPS = ["django.contrib.admin", "shop"]\n`, 'INSTALLED_APPS')).toEqual(['string:admin', 'string:shop']);
  });

  it('module-level string constants are entries with their value; other names are references; a missing comma joins two strings', () => {
    const text = `SILK = "silk.middleware.SilkyMiddleware"\nfrom .extra import CORS\nMIDDLEWARE = [${SEC}, SILK, CORS, extra.Timing, f"{PREFIX}.X", ${SES} ${AUTH}]\n`;
    const facts = factsOf(text);
    const entries = facts.stacks[0]!.entries;
    expect(show(entries)).toEqual([
      'string:SecurityMiddleware',
      'string:SilkyMiddleware',
      'reference:CORS',
      'reference:extra.Timing',
      'unknown:f"{PREFIX}.X"',
      'string:AuthenticationMiddleware',
    ]);
    expect(entries[5]!.value).toBe('django.contrib.sessions.middleware.SessionMiddlewaredjango.contrib.auth.middleware.AuthenticationMiddleware');
    // The constant's entry points at the name in the list.
    expect(text.slice(entries[1]!.range.start, entries[1]!.range.end)).toBe('SILK');
    expect(facts.constants).toEqual({ SILK: 'silk.middleware.SilkyMiddleware' });
  });

  it('decodes string prefixes and escapes as Python does; bytes and `\\N{}` are not known strings', () => {
    expect(stack(`MIDDLEWARE = [r"a\\.B", u"c.D", "e\\x2eF", 'g\\u002eH', """i.J""", b"k.L", "m\\N{FULL STOP}N", F"o.{{P}}"]\n`)).toEqual([
      'string:a\\.B',
      'string:D',
      'string:F',
      'string:H',
      'string:J',
      'unknown:b"k.L"',
      'unknown:"m\\N{FULL STOP}N"',
      'string:o.{P}',
    ]);
  });

  it('keeps the lists a setting is built from as fragments, inlined where they are used', () => {
    const text = `DJANGO_APPS = ["django.contrib.auth", "django.contrib.sessions"]\nLOCAL = ["shop"]\nINSTALLED_APPS = DJANGO_APPS + LOCAL + ["extra"]\nBASE_MIDDLEWARE = [${SEC}]\nMIDDLEWARE = BASE_MIDDLEWARE + [${SES}]\n`;
    const facts = factsOf(text);
    expect(facts.stacks.map((s) => [s.setting, s.role, show(s.entries)])).toEqual([
      ['DJANGO_APPS', 'fragment', ['string:auth', 'string:sessions']],
      ['INSTALLED_APPS', 'setting', ['string:auth', 'string:sessions', 'string:shop', 'string:extra']],
      ['BASE_MIDDLEWARE', 'fragment', ['string:SecurityMiddleware']],
      ['MIDDLEWARE', 'setting', ['string:SecurityMiddleware', 'string:SessionMiddleware']],
    ]);
  });

  it('follows list() and tuple() copies, and calls as entries with their literal arguments', () => {
    expect(stack(`BASE_MIDDLEWARE = [${SEC}]\nMIDDLEWARE = tuple(list(BASE_MIDDLEWARE))\n`)).toEqual(['string:SecurityMiddleware']);
    const facts = factsOf(`MIDDLEWARE = [cors(origins=["a"], max_age=1), factory("x", {"b": 2, "a": None}), other(var)]\n`);
    expect(facts.stacks[0]!.entries.map((e) => [e.kind, e.value, e.args])).toEqual([
      ['call', 'cors', '[{"=":{"max_age":1,"origins":["a"]}}]'],
      ['call', 'factory', '["x",{"a":null,"b":2}]'],
      ['call', 'other', undefined],
    ]);
  });
});

describe('Python settings: edits in order', () => {
  it('+= with a literal or a name, prepend and wrap', () => {
    expect(stack(`MIDDLEWARE = [${SES}]\nEXTRA_MIDDLEWARE = [${AUTH}]\nMIDDLEWARE += [${COMMON}]\nMIDDLEWARE += EXTRA_MIDDLEWARE\nMIDDLEWARE = [${SEC}] + MIDDLEWARE + ["x.Last"]\n`)).toEqual([
      'string:SecurityMiddleware',
      'string:SessionMiddleware',
      'string:CommonMiddleware',
      'string:AuthenticationMiddleware',
      'string:Last',
    ]);
    expect(stack(`MIDDLEWARE = (${SES},)\nMIDDLEWARE += (${AUTH},)\n`)).toEqual(['string:SessionMiddleware', 'string:AuthenticationMiddleware']);
  });

  it('append, extend, insert at a literal or an index() ± k position, remove, pop', () => {
    const text = `MIDDLEWARE = [${SEC}, ${SES}, ${AUTH}]
MIDDLEWARE.append("x.Appended")
MIDDLEWARE.extend(["x.E1", "x.E2"])
MIDDLEWARE.insert(0, "x.First")
MIDDLEWARE.insert(MIDDLEWARE.index(${AUTH}), ${COMMON})
MIDDLEWARE.insert(MIDDLEWARE.index(${SES}) + 1, ${CSRF})
MIDDLEWARE.insert(-1, "x.BeforeLast")
MIDDLEWARE.remove("x.Appended")
MIDDLEWARE.pop()
MIDDLEWARE.pop(0)
`;
    expect(stack(text)).toEqual([
      'string:SecurityMiddleware',
      'string:SessionMiddleware',
      'string:CsrfViewMiddleware',
      'string:CommonMiddleware',
      'string:AuthenticationMiddleware',
      'string:E1',
      'string:BeforeLast',
    ]);
  });

  it('index and slice assignment, del by index, by index() and by slice, and splat-slice rebuilding', () => {
    const text = `MIDDLEWARE = ["a.A", "b.B", "c.C", "d.D", "e.E"]
MIDDLEWARE[MIDDLEWARE.index("b.B")] = "b.Replaced"
del MIDDLEWARE[MIDDLEWARE.index("d.D")]
MIDDLEWARE[1:1] = ["x.Inserted"]
del MIDDLEWARE[-1]
del MIDDLEWARE[0:1]
MIDDLEWARE = [*MIDDLEWARE[:1], "y.Middle", *MIDDLEWARE[1:]]
`;
    expect(stack(text)).toEqual(['string:Inserted', 'string:Middle', 'string:Replaced', 'string:C']);
  });

  it('clear() empties the list; reverse() of known entries reverses it', () => {
    expect(stack(`MIDDLEWARE = [${SEC}]\nMIDDLEWARE.clear()\nMIDDLEWARE.append(${SES})\n`)).toEqual(['string:SessionMiddleware']);
    expect(stack(`MIDDLEWARE = ["a.A", "b.B"]\nMIDDLEWARE.reverse()\n`)).toEqual(['string:B', 'string:A']);
  });

  it('removing what is not in a fully known list changes nothing (Python raises ValueError at import)', () => {
    expect(stack(`MIDDLEWARE = ["a.A"]\nMIDDLEWARE.remove("z.Z")\n`)).toEqual(['string:A']);
  });
});

describe('Python settings: other modules', () => {
  it('a star-imported list edited here starts as a spread of its own name', () => {
    const text = `from .base import *  # noqa\n\nMIDDLEWARE += ["x.Last"]\nMIDDLEWARE.insert(0, "x.First")\nMIDDLEWARE = ["x.Outer"] + MIDDLEWARE\n`;
    const facts = factsOf(text);
    const entries = facts.stacks[0]!.entries;
    expect(show(entries)).toEqual(['string:Outer', 'string:First', 'spread:MIDDLEWARE', 'string:Last']);
    // The spread sits after the star import that binds the name (the link step resolves it by position).
    expect(entries[2]!.range.start).toBeGreaterThan(facts.imports[0]!.range.end);
    expect(text.slice(entries[2]!.range.start, entries[2]!.range.end)).toBe('MIDDLEWARE');
  });

  it('a list imported by name, or under another name, is a spread of the imported name', () => {
    expect(stack(`from .base import MIDDLEWARE\nMIDDLEWARE.append("x.A")\n`)).toEqual(['spread:MIDDLEWARE', 'string:A']);
    expect(stack(`from proj.settings.base import MIDDLEWARE as BASE_MIDDLEWARE\nMIDDLEWARE = BASE_MIDDLEWARE + ["x.A"]\n`)).toEqual(['spread:BASE_MIDDLEWARE', 'string:A']);
    expect(stack(`from . import base\nMIDDLEWARE = [*base.MIDDLEWARE, "x.A"]\n`)).toEqual(['spread:base.MIDDLEWARE', 'string:A']);
  });

  it('an import by name after the list was defined rebinds it', () => {
    expect(stack(`MIDDLEWARE = ["a.A"]\nfrom .other import MIDDLEWARE\nMIDDLEWARE.append("b.B")\n`)).toEqual(['spread:MIDDLEWARE', 'string:B']);
  });

  it('a star import after the list was defined makes two alternatives: the star module\'s list, or the list so far', () => {
    expect(stack(`MIDDLEWARE = ["a.A", "b.B"]\nfrom .overrides import *\n`)).toEqual(['spread:MIDDLEWARE?a0', 'string:A?a1', 'string:B?a1']);
    // try: from .local import * / except ImportError: pass — the same two alternatives, not three.
    const text = `MIDDLEWARE = ["a.A", "b.B"]\ntry:\n    from .local import *\nexcept ImportError:\n    pass\n`;
    expect(stack(text)).toEqual(['spread:MIDDLEWARE?a0', 'string:A?a1', 'string:B?a1']);
    const spread = factsOf(text).stacks[0]!.entries[0]!;
    expect(text.slice(spread.range.start, spread.range.end)).toBe('from .local import *');
  });
});

describe('Python settings: branches are alternative configurations', () => {
  it('an edit under `if` makes its entries conditional; the entries every branch keeps stay unconditional', () => {
    expect(stack(`MIDDLEWARE = [${SEC}, ${SES}]\nif DEBUG:\n    MIDDLEWARE += ["debug_toolbar.middleware.DebugToolbarMiddleware"]\n`)).toEqual([
      'string:SecurityMiddleware',
      'string:SessionMiddleware',
      'string:DebugToolbarMiddleware?a0',
    ]);
    // A removal in one branch: the entry is there only in the other one.
    expect(stack(`MIDDLEWARE = [${SEC}, ${CSRF}, ${AUTH}]\nif TESTING:\n    MIDDLEWARE.remove(${CSRF})\n`)).toEqual([
      'string:SecurityMiddleware',
      'string:CsrfViewMiddleware?a1',
      'string:AuthenticationMiddleware',
    ]);
  });

  it('if/elif/else reassignments are alternatives, never merged; common entries are aligned', () => {
    const text = `A = "a.A"\nif ENV == "prod":\n    MIDDLEWARE = [A, "p.P", "c.C"]\nelif ENV == "test":\n    MIDDLEWARE = ["t.T"]\nelse:\n    MIDDLEWARE = [A, "c.C"]\n`;
    expect(stack(text)).toEqual(['string:A?a0', 'string:P?a0', 'string:C?a0', 'string:T?a1', 'string:A?a2', 'string:C?a2']);
    const both = `MIDDLEWARE = ["a.A", "b.B", "c.C"]\nif X:\n    MIDDLEWARE += ["d.D"]\nelse:\n    MIDDLEWARE.remove("b.B")\n`;
    expect(stack(both)).toEqual(['string:A', 'string:B?a0', 'string:C', 'string:D?a0']);
  });

  it('try/except: the body\'s edits or the handler\'s; else and finally', () => {
    const text = `MIDDLEWARE = [${SEC}]\ntry:\n    import debug_toolbar\n    MIDDLEWARE += ["debug_toolbar.middleware.DebugToolbarMiddleware"]\nexcept ImportError:\n    MIDDLEWARE += ["x.Fallback"]\nelse:\n    MIDDLEWARE += ["x.Else"]\nfinally:\n    MIDDLEWARE += ["x.Finally"]\n`;
    expect(stack(text)).toEqual(['string:SecurityMiddleware', 'string:DebugToolbarMiddleware?a0', 'string:Else?a0', 'string:Fallback?a1', 'string:Finally']);
  });

  it('a conditional expression, and a match statement', () => {
    expect(stack(`MIDDLEWARE = [${SEC}] + ([${SES}] if USE_SESSIONS else [])\n`)).toEqual(['string:SecurityMiddleware', 'string:SessionMiddleware?a0']);
    const text = `MIDDLEWARE = ["a.A"]\nmatch ENV:\n    case "dev":\n        MIDDLEWARE.append("d.D")\n    case _:\n        pass\n`;
    expect(stack(text)).toEqual(['string:A', 'string:D?a0']);
    // Without `case _:`, no case may match: the list as it was is a third configuration.
    const partial = `MIDDLEWARE = ["a.A"]\nmatch ENV:\n    case "dev":\n        MIDDLEWARE = ["d.D"]\n    case "prod":\n        MIDDLEWARE = ["p.P"]\n`;
    expect(stack(partial)).toEqual(['string:D?a0', 'string:P?a1', 'string:A?a2']);
    expect(stack(`${partial}    case _:\n        MIDDLEWARE = ["o.O"]\n`)).toEqual(['string:D?a0', 'string:P?a1', 'string:O?a2']);
  });

  it('a branch without the list keeps what the module had: an imported setting stays a spread', () => {
    expect(stack(`from .base import *\nif DEBUG:\n    MIDDLEWARE = ["d.D"]\n`)).toEqual(['string:D?a0', 'spread:MIDDLEWARE?a1']);
  });
});

describe('Python settings: what cannot be recovered is partial, never guessed', () => {
  it('an edit inside a star-imported list: nothing keeps a known place, and the stack is open', () => {
    const text = `from .base import *\nMIDDLEWARE.insert(0, "x.First")\nMIDDLEWARE.remove(${CSRF})\nMIDDLEWARE.append("x.Last")\n`;
    expect(stack(text)).toEqual(['string:First~', 'unknown:MIDDLEWARE~', 'unknown:MIDDLEWARE.remove("django.middleware.csrf.CsrfViewMiddleware")~', 'string:Last']);
  });

  it('an insert at a position that depends on another module lands nowhere known', () => {
    expect(stack(`from .base import *\nMIDDLEWARE.insert(MIDDLEWARE.index(${COMMON}), "x.Mine")\nMIDDLEWARE.insert(2, "x.Two")\n`)).toEqual([
      'spread:MIDDLEWARE',
      'string:Mine~',
      'string:Two~',
    ]);
    // After an entry of unknown length, a literal index is not known either; from the end it is.
    expect(stack(`from .base import MIDDLEWARE as B\nMIDDLEWARE = ["a.A"] + B + ["z.Z"]\nMIDDLEWARE.insert(-1, "y.Y")\nMIDDLEWARE.insert(2, "x.X")\n`)).toEqual([
      'string:A',
      'spread:B',
      'string:Y',
      'string:Z',
      'string:X~',
    ]);
  });

  it('loops, sort(), unknown values and comprehensions', () => {
    expect(stack(`MIDDLEWARE = ["a.A"]\nfor name in EXTRA:\n    MIDDLEWARE.append(name)\n`)).toEqual(['string:A', 'unknown:MIDDLEWARE.append(name)~']);
    expect(stack(`MIDDLEWARE = ["a.A", "b.B"]\nfor name in DISABLED:\n    MIDDLEWARE.remove(name)\n`)).toEqual(['string:A~', 'string:B~', 'unknown:MIDDLEWARE.remove(name)~']);
    expect(stack(`MIDDLEWARE = ["b.B", "a.A"]\nMIDDLEWARE.sort()\n`)).toEqual(['string:B~', 'string:A~', 'unknown:MIDDLEWARE.sort()~']);
    expect(stack(`MIDDLEWARE = build_middleware()\n`)).toEqual(['unknown:build_middleware()']);
    // A filter over a list this module does not know: partial (comprehension filters: below).
    expect(stack(`from .base import *\nMIDDLEWARE = [m for m in MIDDLEWARE if "csrf" not in m]\n`)).toEqual(['unknown:MIDDLEWARE']);
  });

  it('an entry with a condition inside another branch becomes unknown (conditions do not nest)', () => {
    const text = `MIDDLEWARE = ["a.A"]\nif X:\n    MIDDLEWARE.append("b.B")\n    if Y:\n        MIDDLEWARE.append("c.C")\n`;
    expect(stack(text)).toEqual(['string:A', 'string:B?a0', 'unknown:c.C?a0~']);
  });

  it('an if inside an if: the inner alternatives become unknown entries of the outer branch, never one merged list', () => {
    const text = `MIDDLEWARE = ["a.A", "z.Z"]\nif X:\n    if Y:\n        MIDDLEWARE = ["y.Y"]\n    else:\n        MIDDLEWARE.remove("z.Z")\n`;
    // Configurations: [Y] (X and Y), [A] (X, not Y), [A, Z] (not X). No entry is certain to be there.
    expect(stack(text)).toEqual(['unknown:y.Y?a0~', 'unknown:a.A?a0~', 'string:A?a1', 'string:Z?a1']);
    const inner = `MIDDLEWARE = ["a.A"]\nif X:\n    if Y:\n        MIDDLEWARE.insert(0, "b.B")\n    MIDDLEWARE.append("c.C")\n`;
    expect(stack(inner)).toEqual(['unknown:b.B?a0~', 'string:A', 'string:C?a0']);
  });
});

describe('Python settings: constants', () => {
  it('module-level UPPER_CASE literals known at the end of the module', () => {
    const facts = factsOf(
      `DEBUG = True\nCSRF_USE_SESSIONS = False\nTIMEOUT = 0x1_0\nRATIO = -1.5\nMESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"\nlower = 1\nNONE = None\nLIST = [1]\nCHANGED = 1\nCHANGED = compute()\nif X:\n    BRANCHED = 1\nelse:\n    BRANCHED = 2\nSAME = 1\nif X:\n    SAME = 1\n`,
    );
    expect(facts.constants).toEqual({ DEBUG: true, CSRF_USE_SESSIONS: false, TIMEOUT: 16, RATIO: -1.5, MESSAGE_STORAGE: 'django.contrib.messages.storage.session.SessionStorage', SAME: 1 });
  });

  it('a star import may rebind any name: earlier constants are no longer known', () => {
    expect(factsOf(`DEBUG = True\nfrom .local import *\nSECURE = True\n`).constants).toEqual({ SECURE: true });
  });
});

describe('Python settings: a settings package', () => {
  const read = (name: string) => extractPythonFacts(join(settingsDir, name), readFileSync(join(settingsDir, name), 'utf8'), options);

  it('base.py: the lists and constants', () => {
    const facts = read('base.py');
    expect(facts.stacks.map((s) => [s.setting, s.role, s.entries.length])).toEqual([
      ['DJANGO_APPS', 'fragment', 6],
      ['SHOP_APPS', 'fragment', 2],
      ['INSTALLED_APPS', 'setting', 8],
      ['MIDDLEWARE', 'setting', 7],
    ]);
    expect(show(facts.stacks[3]!.entries).slice(0, 3)).toEqual(['string:SecurityMiddleware', 'string:SessionMiddleware', 'string:CommonMiddleware']);
    expect(facts.constants).toEqual({ SECRET_KEY: 'change-me', DEBUG: false, ROOT_URLCONF: 'proj.urls', CSRF_USE_SESSIONS: false });
  });

  it('dev.py: star import, +=, insert(0), then an optional local module', () => {
    const facts = read('dev.py');
    expect(facts.stacks.map((s) => [s.setting, show(s.entries)])).toEqual([
      ['INSTALLED_APPS', ['spread:INSTALLED_APPS?a0', 'spread:INSTALLED_APPS?a1', 'string:debug_toolbar?a1']],
      ['MIDDLEWARE', ['spread:MIDDLEWARE?a0', 'string:DebugToolbarMiddleware?a1', 'spread:MIDDLEWARE?a1']],
    ]);
    expect(facts.imports.map((i) => [i.local, i.imported, i.source])).toEqual([
      ['*', '*', '.base'],
      ['*', '*', '.local'],
    ]);
    expect(facts.constants).toEqual({});
  });

  it('prod.py: wrapped, then an insert whose place depends on base.py, then a conditional append', () => {
    const facts = read('prod.py');
    expect(show(facts.stacks[0]!.entries)).toEqual(['string:CorsMiddleware', 'spread:MIDDLEWARE', 'string:TimingMiddleware', 'string:WhiteNoiseMiddleware~', 'string:SentryContextMiddleware?a0']);
  });

  it('ci.py: a comprehension filter over base.py\'s list, which this module does not know: partial, one unknown entry', () => {
    expect(show(read('ci.py').stacks[0]!.entries)).toEqual(['unknown:MIDDLEWARE']);
  });
});

describe('Python settings: comprehension filters', () => {
  const LIST = `MIDDLEWARE = ["a.Alpha", "b.Beta", "c.CsrfView", "d.Debug"]\n`;

  it('==, !=, in and not in a tuple, list or set, startswith/endswith, and/or/not: evaluated on a known list', () => {
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE if m != "c.CsrfView"]\n`)).toEqual(['string:Alpha', 'string:Beta', 'string:Debug']);
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE if m == "b.Beta"]\n`)).toEqual(['string:Beta']);
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE if m not in ("a.Alpha", "d.Debug")]\n`)).toEqual(['string:Beta', 'string:CsrfView']);
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE if m in {"d.Debug", "a.Alpha"}]\n`)).toEqual(['string:Alpha', 'string:Debug']);
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith(("c.", "d."))]\n`)).toEqual(['string:Alpha', 'string:Beta']);
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE if m.endswith("ta") or "Csrf" in m]\n`)).toEqual(['string:Beta', 'string:CsrfView']);
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE if "csrf" not in m.lower()]\n`)).toEqual(['unknown:[m for m in MIDDLEWARE if "csrf" not in m.lower()]']);
    // Several if clauses all apply; a module constant is the string it holds; list(generator) too.
    expect(stack(`CSRF = "c.CsrfView"\n${LIST}MIDDLEWARE = list(m for m in MIDDLEWARE if m != CSRF if m != "a.Alpha")\n`)).toEqual(['string:Beta', 'string:Debug']);
  });

  it('entries keep their ranges and conditions; an entry whose string is not known becomes unknown in its place', () => {
    const text = `from .base import BASE\nMIDDLEWARE = ["a.Alpha", *BASE, "c.CsrfView"]\nif DEBUG:\n    MIDDLEWARE.append("d.Debug")\nMIDDLEWARE = [m for m in MIDDLEWARE if m != "c.CsrfView"]\n`;
    expect(stack(text)).toEqual(['string:Alpha', 'unknown:BASE', 'string:Debug?a0']);
    const entries = factsOf(text).stacks[0]!.entries;
    expect(text.slice(entries[2]!.range.start, entries[2]!.range.end)).toBe('"d.Debug"');
  });

  it('partial, never guessed: an unknown source list, a filter of another form, a body that is not the item', () => {
    expect(stack(`from .base import *\nMIDDLEWARE = [m for m in MIDDLEWARE if m != "c.CsrfView"]\n`)).toEqual(['unknown:MIDDLEWARE']);
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE if enabled(m)]\n`)).toEqual(['unknown:[m for m in MIDDLEWARE if enabled(m)]']);
    expect(stack(`${LIST}MIDDLEWARE = [m.replace("a", "b") for m in MIDDLEWARE]\n`)).toEqual(['unknown:[m.replace("a", "b") for m in MIDDLEWARE]']);
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE if "a" < m < "c"]\n`)).toEqual(['unknown:[m for m in MIDDLEWARE if "a" < m < "c"]']);
    expect(stack(`${LIST}MIDDLEWARE = [m for m in MIDDLEWARE for x in OTHER]\n`)).toEqual(['unknown:[m for m in MIDDLEWARE for x in OTHER]']);
  });
});

describe('Python settings: values the environment may replace', () => {
  it('django-environ env.list / env.tuple with a default: its entries, then one unknown entry (partial, order kept)', () => {
    expect(stack(`MIDDLEWARE = env.list("MIDDLEWARE", default=["a.A", "b.B"])\n`)).toEqual(['string:A', 'string:B', 'unknown:env.list("MIDDLEWARE", default=["a.A", "b.B"])']);
    expect(stack(`BASE = ["a.A"]\nMIDDLEWARE = env.tuple("MW", default=BASE) + ["z.Z"]\n`)).toEqual(['string:A', 'unknown:env.tuple("MW", default=BASE)', 'string:Z']);
  });

  it('without a default, or another method, the value is unknown', () => {
    expect(stack(`MIDDLEWARE = env.list("MIDDLEWARE")\n`)).toEqual(['unknown:env.list("MIDDLEWARE")']);
    expect(stack(`MIDDLEWARE = env.str("MIDDLEWARE", default=["a.A"])\n`)).toEqual(['unknown:env.str("MIDDLEWARE", default=["a.A"])']);
  });

  it('django-configurations values.ListValue / BackendsValue: the default first or as default=, then one unknown entry', () => {
    expect(stack(`from configurations import values\nMIDDLEWARE = values.ListValue(["a.A", "b.B"])\n`)).toEqual(['string:A', 'string:B', 'unknown:values.ListValue(["a.A", "b.B"])']);
    expect(stack(`from configurations.values import BackendsValue\nMIDDLEWARE = BackendsValue(default=("a.A",), environ_prefix="X")\n`)).toEqual([
      'string:A',
      'unknown:BackendsValue(default=("a.A",), environ_prefix="X")',
    ]);
  });
});

describe('Python settings: django-split-settings include()', () => {
  const splitDir = join(fixturesRoot, 'python-settings', 'split', 'settings');
  const read = (name: string) => extractPythonFacts(join(splitDir, name), readFileSync(join(splitDir, name), 'utf8'), options);

  it('each argument is a file import, in order: paths as written, globs kept, optional() marked', () => {
    const facts = read('__init__.py');
    const text = readFileSync(join(splitDir, '__init__.py'), 'utf8');
    expect(facts.imports.map((i) => [i.local, i.imported, i.source, text.slice(i.range.start, i.range.end)])).toEqual([
      ['include', 'include', 'split_settings.tools', 'include'],
      ['optional', 'optional', 'split_settings.tools', 'optional'],
      ['*', '*', 'file:components/base.py', '"components/base.py"'],
      ['*', '*', 'file:components/*.py', '"components/*.py"'],
      ['*', '*', 'file?:local_settings.py', 'optional("local_settings.py")'],
    ]);
    expect(facts.stacks).toEqual([]);
  });

  it('a component that edits a setting it neither defines nor imports starts from a spread of its name at the edit', () => {
    const facts = read('components/debug.py');
    const text = readFileSync(join(splitDir, 'components', 'debug.py'), 'utf8');
    expect(show(facts.stacks[0]!.entries)).toEqual(['spread:MIDDLEWARE', 'string:DebugToolbarMiddleware?a0', 'string:MessageMiddleware']);
    const spread = facts.stacks[0]!.entries[0]!;
    expect(spread.range.start).toBe(text.indexOf('MIDDLEWARE +='));
    // Fragments too, and an `if` without else keeps the spread in both configurations.
    expect(stack(`BASE_MIDDLEWARE.append("x.X")\n`, 'BASE_MIDDLEWARE')).toEqual(['spread:BASE_MIDDLEWARE', 'string:X']);
    expect(stack(`if DEBUG:\n    MIDDLEWARE += ["x.X"]\nelse:\n    MIDDLEWARE.insert(0, "y.Y")\n`)).toEqual(['string:Y?a1', 'spread:MIDDLEWARE', 'string:X?a0']);
  });

  it('lists defined before an include may be rebound by it; edits after it are on the shared list', () => {
    const text = `from split_settings.tools import include\nMIDDLEWARE = ["a.A"]\ninclude("components/*.py")\nMIDDLEWARE += ["z.Z"]\n`;
    expect(stack(text)).toEqual(['spread:MIDDLEWARE?a0', 'string:A?a1', 'string:Z']);
    const spread = factsOf(text).stacks[0]!.entries[0]!;
    expect(spread.range.start).toBe(text.indexOf('\nMIDDLEWARE +='));
    // Through the module, and an argument that is not a literal path: every list is blurred.
    const dynamic = `import split_settings.tools as tools\nMIDDLEWARE = ["a.A"]\ntools.include("base.py", f"env/{ENV}.py")\n`;
    expect(factsOf(dynamic).imports.map((i) => i.source)).toEqual(['split_settings.tools', 'file:base.py']);
    expect(stack(dynamic)).toEqual(['unknown:MIDDLEWARE?a0~', 'string:A?a1~', 'unknown:tools.include("base.py", f"env/{ENV}.py")~']);
  });

  it('an include() that is not split_settings\' is an ordinary call', () => {
    const facts = factsOf(`from django.urls import include\nMIDDLEWARE = ["a.A"]\ninclude("x.py")\n`);
    expect(facts.imports.map((i) => i.source)).toEqual(['django.urls']);
    expect(show(facts.stacks[0]!.entries)).toEqual(['string:A']);
  });
});

describe('Python settings: django-configurations classes', () => {
  const path = join(fixturesRoot, 'python-settings', 'confproj', 'settings.py');
  const text = readFileSync(path, 'utf8');
  const facts = () => extractPythonFacts(path, text, options);

  it('one stack per class that sets MIDDLEWARE, named at the attribute, not exported; bases and mixins through the MRO', () => {
    const stacks = facts().stacks;
    expect(stacks.map((s) => [s.setting, s.role, s.exported, text.slice(s.nameRange.start, s.nameRange.end), text.slice(0, s.nameRange.start).split('\n').length])).toEqual([
      ['MIDDLEWARE', 'setting', false, 'MIDDLEWARE', 6],
      ['MIDDLEWARE', 'setting', false, 'MIDDLEWARE', 15],
      ['MIDDLEWARE', 'setting', false, 'MIDDLEWARE', 19],
      ['MIDDLEWARE', 'setting', false, 'MIDDLEWARE', 23],
      ['MIDDLEWARE', 'setting', false, 'MIDDLEWARE', 28],
    ]);
    expect(show(stacks[0]!.entries)).toEqual(['string:SecurityMiddleware', 'string:SessionMiddleware', 'string:CommonMiddleware', 'string:AuthenticationMiddleware']);
    expect(show(stacks[2]!.entries)).toEqual([
      'string:TimingMiddleware',
      'string:SecurityMiddleware',
      'string:SessionMiddleware',
      'string:CommonMiddleware',
      'string:AuthenticationMiddleware',
      'string:DebugToolbarMiddleware',
    ]);
    // values.ListValue: the default, then what the environment may set instead.
    expect(show(stacks[3]!.entries).slice(-2)).toEqual(['string:WhiteNoiseMiddleware', `unknown:${text.slice(text.indexOf('values.ListValue'), text.indexOf('values.ListValue') + 80)}`]);
    // @property: computed when Django reads it: one unknown entry.
    expect(stacks[4]!.entries.map((e) => e.kind)).toEqual(['unknown']);
  });

  it('an inherited list is looked up through the MRO: a class that does not set it, a mixin first, a base from another module', () => {
    const cls = `class A(Configuration):\n    MIDDLEWARE = ["a.A"]\nclass M:\n    MIDDLEWARE = ["m.M"]\nclass Both(M, A):\n    pass\n`;
    expect(stack(`${cls}class C(Both):\n    MIDDLEWARE = Both.MIDDLEWARE + ["c.C"]\n`).length).toBe(1);
    const stacks = factsOf(`${cls}class C(Both):\n    MIDDLEWARE = Both.MIDDLEWARE + ["c.C"]\nclass D(A, M):\n    MIDDLEWARE = [*D2.MIDDLEWARE] if 0 else [*A.MIDDLEWARE]\n`).stacks;
    expect(stacks.map((s) => show(s.entries))).toEqual([['string:A'], ['string:M'], ['string:M', 'string:C'], ['spread:D2.MIDDLEWARE?a0', 'string:A?a1']]);
    expect(stack(`from . import base\nMIDDLEWARE = [*base.MIDDLEWARE]\n`)).toEqual(['spread:base.MIDDLEWARE']);
    // Both's MRO reaches a base from elsewhere before any class that sets it: unknown, first.
    const remote = factsOf(`from .common import Common\nclass M:\n    X = 1\nclass Dev(M, Common):\n    MIDDLEWARE = Dev2.X if 0 else M.MIDDLEWARE + ["d.D"]\n`).stacks;
    expect(show(remote[0]!.entries)).toEqual(['spread:Dev2.X?a0', 'unknown:M.MIDDLEWARE?a1', 'string:D?a1']);
    const viaBase = factsOf(`from .common import Common\nclass Dev(Common):\n    pass\nclass Prod(Dev):\n    MIDDLEWARE = Dev.MIDDLEWARE + ["p.P"]\n`).stacks;
    expect(show(viaBase[0]!.entries)).toEqual(['unknown:Dev.MIDDLEWARE', 'string:P']);
  });

  it('a class body reads module names; a module-level list stays the module\'s', () => {
    const stacks = factsOf(`MIDDLEWARE = ["a.A"]\nEXTRA = "x.X"\nclass Dev(Configuration):\n    MIDDLEWARE = MIDDLEWARE + [EXTRA]\n`).stacks;
    expect(stacks.map((s) => [s.exported, show(s.entries)])).toEqual([
      [true, ['string:A']],
      [false, ['string:A', 'string:X']],
    ]);
  });
});

describe('Python modules: imports, exports, declarations', () => {
  const text = `"""A module."""
from __future__ import annotations
import os
import proj.settings.base
import django.utils.deprecation as deprecation
from .base import *
from ..common import Timing as BaseTiming, helper
from proj.middleware import (
    SessionGuard,
    Audit as AuditMiddleware,
)
from . import views

SETTING = 1
helper = wrap(helper)


class Timing(BaseTiming):
    pass


@decorate
def factory(get_response):
    return get_response


if DEBUG:
    EXTRA = 1
try:
    import yaml
except ImportError:
    yaml = None
for NAME in ("a",):
    pass
`;

  it('imports: modules by their dotted names, names by import and alias, relative dots kept, star imports', () => {
    const facts = factsOf(text, '/proj/app/mw.py');
    expect(facts.imports.map((i) => `${i.local} <- ${i.imported} from ${i.source}`)).toEqual([
      'os <- * from os',
      'proj.settings.base <- * from proj.settings.base',
      'deprecation <- * from django.utils.deprecation',
      '* <- * from .base',
      'BaseTiming <- Timing from ..common',
      'helper <- helper from ..common',
      'SessionGuard <- SessionGuard from proj.middleware',
      'AuditMiddleware <- Audit from proj.middleware',
      'views <- views from .',
      'yaml <- * from yaml',
    ]);
    const audit = facts.imports.find((i) => i.local === 'AuditMiddleware')!;
    expect(text.slice(audit.range.start, audit.range.end)).toBe('Audit as AuditMiddleware');
  });

  it('exports: every module-level name (own or imported), and star imports as `*` re-exports', () => {
    const facts = factsOf(text, '/proj/app/mw.py');
    expect(facts.exports).toEqual([
      { exported: 'SETTING', local: 'SETTING' },
      { exported: 'helper', local: 'helper' },
      { exported: 'Timing', local: 'Timing' },
      { exported: 'factory', local: 'factory' },
      { exported: 'EXTRA', local: 'EXTRA' },
      { exported: 'yaml', local: 'yaml' },
      { exported: 'NAME', local: 'NAME' },
      { exported: 'os', source: 'os', imported: '*' },
      { exported: 'proj', source: 'proj', imported: '*' },
      { exported: 'deprecation', source: 'django.utils.deprecation', imported: '*' },
      { exported: 'BaseTiming', source: '..common', imported: 'Timing' },
      { exported: 'SessionGuard', source: 'proj.middleware', imported: 'SessionGuard' },
      { exported: 'AuditMiddleware', source: 'proj.middleware', imported: 'Audit' },
      { exported: 'views', source: '.', imported: 'views' },
      { exported: '*', source: '.base' },
    ]);
  });

  it('declarations: classes, functions (with decorators), assignments, at module level only', () => {
    const facts = factsOf(text, '/proj/app/mw.py');
    expect(Object.keys(facts.declarations)).toEqual(['SETTING', 'helper', 'Timing', 'factory', 'EXTRA', 'yaml', 'NAME']);
    const slice = (name: string) => text.slice(facts.declarations[name]!.start, facts.declarations[name]!.end);
    expect(slice('Timing')).toBe('class Timing(BaseTiming):\n    pass');
    expect(slice('factory')).toMatch(/^@decorate\ndef factory\(get_response\):/);
    expect(slice('SETTING')).toBe('SETTING = 1');
  });
});

describe('Python directives', () => {
  it('reads onionlint comments, not ESLint\'s, not strings', () => {
    const text = `# onionlint-disable-next-line middleware-order\nMIDDLEWARE = [${AUTH}, ${SES}]  # onionlint-disable-line resolvable-middleware -- why\n# eslint-disable-next-line onion/middleware-order\nX = "# onionlint-disable"\n# onionlint-disable\n# onionlint-enable required-middleware, middleware-order\n`;
    const facts = factsOf(text);
    expect(facts.directives.map((d) => [d.kind, d.rules, text.slice(d.range.start, d.range.end).split(' ')[1]])).toEqual([
      ['disable-next-line', ['onion/middleware-order'], 'onionlint-disable-next-line'],
      ['disable-line', ['onion/resolvable-middleware'], 'onionlint-disable-line'],
      ['disable', [], 'onionlint-disable'],
      ['enable', ['onion/required-middleware', 'onion/middleware-order'], 'onionlint-enable'],
    ]);
  });
});

describe('Python syntax errors: one fatal message at the first error', () => {
  const fatalOf = (text: string) => {
    const facts = factsOf(text);
    expect(facts.stacks).toEqual([]);
    expect(facts.imports).toEqual([]);
    const fatal = facts.fatal!;
    expect(fatal).toBeDefined();
    return { message: fatal.message, at: text.slice(fatal.range.start, Math.max(fatal.range.end, fatal.range.start + 1)), line: text.slice(0, fatal.range.start).split('\n').length };
  };

  it('Python 2 print, as Python 3 words it', () => {
    expect(fatalOf(`DEBUG = True\nprint "loading settings"\nMIDDLEWARE = []\n`)).toEqual({
      message: "Parsing error: Missing parentheses in call to 'print'. Did you mean print(...)? (Python 2 syntax)",
      at: 'print "loading settings"',
      line: 2,
    });
  });

  it('a Jinja-templated settings file: the template tag', () => {
    const text = `MIDDLEWARE = [\n    ${SEC},\n{% if use_sessions %}\n    ${SES},\n{% endif %}\n]\n`;
    expect(fatalOf(text)).toEqual({ message: 'Parsing error: invalid syntax: `{%` is template syntax, not Python (a templated file cannot be linted)', at: '{%', line: 3 });
    expect(fatalOf(`{% load static %}\nDEBUG = True\n`)).toMatchObject({ at: '{%', line: 1 });
    // A tag inside a string is text, and the first error is elsewhere.
    expect(fatalOf(`TEMPLATE = "{% url 'home' %}"\nX = (\n`)).toMatchObject({ message: "Parsing error: '(' was never closed", line: 2 });
  });

  it('an unclosed bracket: where it opens', () => {
    expect(fatalOf(`X = 1\nMIDDLEWARE = [\n    ${SEC},\n    ${SES},\n\nDEBUG = True\n`)).toEqual({ message: "Parsing error: '[' was never closed", at: '[', line: 2 });
    expect(fatalOf(`X = foo(1, [2, 3]\nY = 2\n`)).toEqual({ message: "Parsing error: '(' was never closed", at: '(', line: 1 });
    expect(fatalOf(`X = 1)\n`)).toEqual({ message: "Parsing error: unmatched ')'", at: ')', line: 1 });
  });

  it('an ERROR that wraps good text around the bad token: the token inside it', () => {
    expect(fatalOf(`class Timing:\n    header = ?\n    def f(self):\n        pass\n`)).toEqual({ message: 'Parsing error: invalid syntax: `?`', at: '?', line: 2 });
  });

  it('`print >>f, x` is a Python 3 expression (a run-time TypeError), not a syntax error', () => {
    expect(factsOf(`import sys\nprint >>sys.stderr, "x"\nprint >> sys.stderr\n`).fatal).toBeUndefined();
  });

  it('only the first problem is reported, whichever kind comes first', () => {
    expect(fatalOf(`X = (\nprint "late"\n`).message).toBe("Parsing error: '(' was never closed");
    expect(fatalOf(`print "early"\nX = (\n`).line).toBe(1);
  });

  it('other Python 2 forms, a missing token, an empty block, invalid text', () => {
    expect(fatalOf(`exec "x = 1"\n`).message).toMatch(/^Parsing error: Missing parentheses in call to 'exec'/);
    expect(fatalOf(`try:\n    pass\nexcept ImportError, e:\n    pass\n`)).toMatchObject({ message: expect.stringMatching(/^Parsing error: multiple exception types must be parenthesized/), line: 3 });
    expect(fatalOf(`FILE_UPLOAD_PERMISSIONS = 0644\n`)).toMatchObject({ message: expect.stringMatching(/leading zeros in decimal integer literals/), at: '0644' });
    expect(fatalOf(`X = 10L\n`).message).toMatch(/invalid decimal literal/);
    expect(fatalOf(`if A <> B:\n    pass\n`)).toMatchObject({ at: '<>' });
    expect(fatalOf(`X = \`Y\`\n`).message).toMatch(/backquotes/);
    expect(fatalOf(`raise ValueError, "no"\n`).message).toMatch(/raise E, value/);
    expect(fatalOf(`X = ur"abc"\n`).message).toMatch(/`ur`/);
    expect(fatalOf(`def f(:\n    pass\n`)).toMatchObject({ message: "Parsing error: invalid syntax: expected ')'", line: 1 });
    expect(fatalOf(`class Timing:\n# nothing yet\n\nX = 1\n`)).toMatchObject({ message: 'Parsing error: expected an indented block', line: 1 });
    // The empty-block search is skipped where no line can open one: each shape that can is still found.
    for (const [text, line] of [
      [`def f():  # later\n    return 1\nclass A:\n`, 3],
      [`if X:\r\n    pass\r\nelse:\r\n    # nothing\r\n\r\nY = 2\r\n`, 3],
      [`class A:\n    def f(self):\n    # todo\n    x = 1\n`, 2],
      [`for x in y:\n\tpass\nwhile True:\n`, 3],
    ] as const) {
      expect([text, fatalOf(text)]).toMatchObject([text, { message: 'Parsing error: expected an indented block', line }]);
    }
    expect(fatalOf(`X = 1 +\n`).message).toBe('Parsing error: invalid syntax: `X = 1 +`');
  });

  it('through lint(): one fatal diagnostic without a rule', () => {
    const [result] = lint([{ path: '/proj/settings.py', text: `print "x"\nprint "y"\n` }], { config: defaultConfig() });
    expect(result!.diagnostics.map((d) => [d.ruleId, d.fatal, d.range])).toEqual([[null, true, { start: 0, end: 9 }]]);
  });

  it('valid modern Python is not an error: match, walrus, PEP 695, f-strings, except*, async', () => {
    const text = `type Vector = list[float]\ndef first[T](xs: list[T]) -> T:\n    return xs[0]\nasync def handler(request):\n    if (n := len(request)) > 1:\n        return f"{n!r:>{width}}"\n    try:\n        await run()\n    except* ValueError:\n        pass\nmatch command:\n    case {"x": x, **rest}:\n        pass\nprint("ok", file=sys.stderr)\nX = 0o644 + 0 + 00 + 1_000\n`;
    expect(factsOf(text).fatal).toBeUndefined();
  });
});

describe('Python input that must never crash (output checked)', () => {
  const settings = `MIDDLEWARE = [\n    ${SEC},\n    ${SES},\n]\nif DEBUG:\n    MIDDLEWARE += ["debug_toolbar.middleware.DebugToolbarMiddleware"]\n`;
  const expected = ['string:SecurityMiddleware', 'string:SessionMiddleware', 'string:DebugToolbarMiddleware?a0'];

  it('an empty file, whitespace, comments only', () => {
    for (const text of ['', '\n\n', '   ', '# just a comment\n', '\uFEFF']) {
      const facts = factsOf(text);
      expect(facts).toMatchObject({ language: 'python', stacks: [], imports: [], exports: [], declarations: {}, constants: {}, directives: [] });
      expect(facts.fatal).toBeUndefined();
    }
  });

  it('tabs for indentation', () => {
    expect(stack(settings.replace(/^ {4}/gm, '\t'))).toEqual(expected);
  });

  it('CRLF line ends: same entries, ranges on the same text', () => {
    const text = settings.replace(/\n/g, '\r\n');
    const facts = factsOf(text);
    expect(show(facts.stacks[0]!.entries)).toEqual(expected);
    expect(facts.stacks[0]!.entries.map((e) => text.slice(e.range.start, e.range.end))).toEqual([SEC, SES, '"debug_toolbar.middleware.DebugToolbarMiddleware"']);
  });

  it('a BOM and a PEP 263 coding line', () => {
    const text = `\uFEFF# -*- coding: utf-8 -*-\n${settings}`;
    const facts = factsOf(text);
    expect(show(facts.stacks[0]!.entries)).toEqual(expected);
    expect(text.slice(facts.stacks[0]!.entries[0]!.range.start, facts.stacks[0]!.entries[0]!.range.end)).toBe(SEC);
    expect(stack(`# vim: set fileencoding=latin-1 :\n${settings}`)).toEqual(expected);
  });

  it('a 5 MB file', { timeout: 120_000 }, () => {
    const filler = 'CACHE_TIMEOUT_%d = {"default": [1, 2, 3], "name": "value with some length to it"}  # padding\n';
    let body = '';
    for (let i = 0; body.length < 5_000_000; i++) body += filler.replace('%d', String(i));
    const text = `${settings}${body}MIDDLEWARE.append("x.Last")\n`;
    const facts = factsOf(text);
    expect(facts.fatal).toBeUndefined();
    expect(show(facts.stacks[0]!.entries)).toEqual([...expected, 'string:Last']);
    expect(Object.keys(facts.declarations).length).toBeGreaterThan(50_000);
  });

  it('5,000 nested brackets, parentheses and a 5,000-term sum', () => {
    const deep = `X = ${'['.repeat(5000)}${']'.repeat(5000)}\nMIDDLEWARE = [${'['.repeat(5000)}${']'.repeat(5000)}, ${SEC}]\n`;
    const facts = factsOf(deep);
    expect(facts.fatal).toBeUndefined();
    expect(show(facts.stacks[0]!.entries).map((e) => e.slice(0, 12))).toEqual(['unknown:[[[[', 'string:Secur']);
    expect(stack(`MIDDLEWARE = ${'('.repeat(5000)}[${SEC}]${')'.repeat(5000)}\n`)).toEqual(['string:SecurityMiddleware']);
    const sum = `MIDDLEWARE = ${Array.from({ length: 5000 }, (_, i) => `["m.M${i}"]`).join(' + ')}\n`;
    const entries = stack(sum);
    expect(entries.length).toBe(5000);
    expect(entries[4999]).toBe('string:M4999');
    // Unbalanced: one fatal, no crash.
    expect(factsOf(`X = ${'['.repeat(5000)}\n`).fatal?.message).toBe("Parsing error: '[' was never closed");
  });
});

describe('Python ranges are UTF-16 offsets into the JavaScript string', () => {
  it('after non-ASCII text (accents, CJK, astral emoji), ranges still slice the right text', () => {
    const text = `# Réglages — 設定 🚀🚀\nTITLE = "Café 😀"\nMIDDLEWARE = [\n    "shop.middleware.Fénix",  # 注释 🎉\n    ${SES},\n]\n`;
    const facts = factsOf(text);
    const entries = facts.stacks[0]!.entries;
    expect(entries.map((e) => [e.value, text.slice(e.range.start, e.range.end)])).toEqual([
      ['shop.middleware.Fénix', '"shop.middleware.Fénix"'],
      ['django.contrib.sessions.middleware.SessionMiddleware', SES],
    ]);
    expect(text.slice(facts.stacks[0]!.nameRange.start, facts.stacks[0]!.nameRange.end)).toBe('MIDDLEWARE');
    expect(facts.constants.TITLE).toBe('Café 😀');
    const fatal = factsOf(`X = "😀😀"\nprint "é"\n`).fatal!;
    expect(fatal.range.start).toBe('X = "😀😀"\n'.length);
  });
});

describe('the Python parser loads lazily', () => {
  const bin = join(repoRoot, 'dist', 'src', 'cli', 'bin.js');
  /** A module hook that fails any import of the Python parser's packages (ESM resolve hook). */
  function forbidHook(): string {
    const dir = mkdtempSync(join(tmpdir(), 'onion-lazy-'));
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(hooks, `export async function resolve(specifier, context, next) {\n  if (/web-tree-sitter|tree-sitter-python/.test(specifier)) throw new Error('FORBIDDEN import of ' + specifier);\n  return next(specifier, context);\n}\n`);
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    return register;
  }

  it('is a Python path test by extension', () => {
    expect([isPythonPath('/a/settings.py'), isPythonPath('/a/B.PY'), isPythonPath('/a/mw.ts'), isPythonPath('/a/py')]).toEqual([true, true, false, false]);
    expect(isPythonLoaded()).toBe(true); // this file loaded it in beforeAll
  });

  it('a CLI run over TypeScript files never imports web-tree-sitter; one over Python does', () => {
    expect(existsSync(bin)).toBe(true); // built by `npm test` (tsc) before vitest runs
    const register = forbidHook();
    // The demo's TypeScript half (fixtures/demo/django is Python).
    const tsRun = spawnSync(process.execPath, ['--import', register, bin, '-f', 'json', join(fixturesRoot, 'demo', 'src')], { cwd: repoRoot, encoding: 'utf8' });
    expect(tsRun.stderr).not.toMatch(/FORBIDDEN/);
    const results = JSON.parse(tsRun.stdout) as Array<{ filePath: string; messages: unknown[] }>;
    expect(results.length).toBeGreaterThan(3);
    expect(results.some((r) => r.messages.length > 0)).toBe(true);
    // The same hook stops a run that lints a Python file: the test above would see a load.
    const pyRun = spawnSync(process.execPath, ['--import', register, bin, '--stdin', '--stdin-filename', 'settings.py'], { cwd: repoRoot, encoding: 'utf8', input: 'DEBUG = True\n' });
    expect(pyRun.status).not.toBe(0);
    expect(pyRun.stderr).toMatch(/FORBIDDEN import of web-tree-sitter/);
  });

  it('the CLI loads it before the first Python file: --stdin-filename x.py and `stack settings.py`', () => {
    const lintRun = spawnSync(process.execPath, [bin, '--stdin', '--stdin-filename', 'settings.py', '-f', 'json'], { cwd: repoRoot, encoding: 'utf8', input: 'DEBUG = True\nprint "x"\n' });
    expect(lintRun.stderr).toBe('');
    expect(lintRun.status).toBe(1);
    const [result] = JSON.parse(lintRun.stdout) as Array<{ messages: Array<{ ruleId: string | null; fatal?: boolean; line: number; message: string }> }>;
    expect(result!.messages.map((m) => [m.ruleId, m.fatal, m.line])).toEqual([[null, true, 2]]);
    const stackRun = spawnSync(process.execPath, [bin, 'stack', join(settingsDir, 'base.py'), '--no-color'], { cwd: repoRoot, encoding: 'utf8' });
    expect(stackRun.stderr).toBe('');
    expect(stackRun.status).toBe(0);
    expect(stackRun.stdout).toMatch(/^MIDDLEWARE .*base\.py:24 {2}7 layers/);
  });

  it('worker threads load it for themselves and extract the same facts', async () => {
    const files = ['base.py', 'dev.py', 'prod.py', 'ci.py'].map((name) => ({ path: join(settingsDir, name), text: readFileSync(join(settingsDir, name), 'utf8') }));
    const single = (await collectFacts(files, { frontend: options, concurrency: 'off' })).facts;
    const threaded = (await collectFacts(files, { frontend: options, concurrency: 2 })).facts;
    expect([...threaded]).toEqual([...single]);
    expect(single.get(files[0]!.path)!.stacks.length).toBe(4);
  });
});

describe('the Python pre-filter: modules that cannot hold middleware or a stack are only checked for syntax', () => {
  const model = `from django.db import models\n\n\nclass Item(models.Model):\n    name = models.CharField(max_length=40)\n\n    class Meta:\n        ordering = ["name"]\n\n    def __str__(self):\n        return self.name\n`;
  const view = `from django.http import JsonResponse\n\n\ndef api(request):\n    return JsonResponse({"items": [], "count": 0})\n`;

  it('models, views and the like are dormant in auto mode, complete in full mode', () => {
    for (const text of [model, view]) {
      expect(mightHoldPythonMiddleware(text, options.names)).toBe(false);
      expect(extractFacts('/proj/app/models.py', text, options, 'auto')).toMatchObject({ dormant: true, declarations: {}, imports: [] });
      const full = extractFacts('/proj/app/models.py', text, options, 'full');
      expect(full.dormant).toBeUndefined();
      expect(full.imports.length).toBe(1);
    }
    // lazy mode does not even parse (ESLint's parser checked the syntax).
    expect(extractFacts('/proj/app/models.py', 'class (:\n', options, 'lazy')).toMatchObject({ dormant: true });
    expect(extractFacts('/proj/app/models.py', 'class (:\n', options, 'lazy').fatal).toBeUndefined();
  });

  it('a dormant module with a syntax error is still one fatal message', () => {
    const facts = extractFacts('/proj/app/models.py', `${model}\nprint "done"\n`, options, 'auto');
    expect(facts.fatal?.message).toBe("Parsing error: Missing parentheses in call to 'print'. Did you mean print(...)? (Python 2 syntax)");
  });

  it('every shape of middleware and every settings form passes the text test', () => {
    const passes = [
      `MIDDLEWARE = []\n`,
      `INSTALLED_APPS = []\n`,
      `MIDDLEWARE_CLASSES = ()\n`,
      `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n`,
      `def timing(get_response):\n    return get_response\n`,
      `def timing(gr: Callable[[HttpRequest], HttpResponse]):\n    return gr\n`,
      `def timing(gr: GetResponse):\n    return gr\n`,
      `class A(Base):\n    def __call__(self, request):\n        return None\n`,
      `class A:\n    def __init__(self, nxt):\n        self.nxt = nxt\n`,
      `class A(Base):\n    def process_request(self, request):\n        pass\n`,
      `class A(Base):\n    def process_response(self, request, response):\n        return response\n`,
      `class A(Base):\n    def process_view(self, request, f, a, k):\n        pass\n`,
      `class A(Base):\n    def process_exception(self, request, e):\n        pass\n`,
      `class A(Base):\n    def process_template_response(self, request, response):\n        return response\n`,
      `class A(MiddlewareMixin):\n    pass\n`,
      `@sync_and_async_middleware\ndef mw(g):\n    return g\n`,
    ];
    for (const text of passes) expect([text, mightHoldPythonMiddleware(text, options.names)]).toEqual([text, true]);
    expect(mightHoldPythonMiddleware(`x = "MIDDLEWARE_EXTRA"\n`, options.names)).toBe(false);
  });
});

describe('Python settings before Python modules are linked', () => {
  it('judges the built-ins of a settings.py stack and stays silent on project paths it cannot read yet', async () => {
    await ensurePythonParser();
    const text = [
      'MIDDLEWARE = [',
      '    "django.middleware.security.SecurityMiddleware",',
      '    "myapp.middleware.TimingMiddleware",',
      '    "django.contrib.auth.middleware.AuthenticationMiddleware",',
      '    "django.contrib.sessions.middleware.SessionMiddleware",',
      ']',
      '',
    ].join('\n');
    const [result] = lint([{ path: '/nowhere/proj/settings.py', text }], { config: defaultConfig() });
    expect(result!.diagnostics.map((d) => `${d.ruleId}@${text.slice(0, d.range.start).split('\n').length}`)).toEqual(['onion/middleware-order@4']);
  });
});
