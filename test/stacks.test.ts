import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type OnionConfig } from '../src/config.js';
import { lint } from '../src/engine.js';
import { knowledgeBase, STARTPROJECT_DEFAULT } from '../src/knowledge/django.js';
import { linkStacks } from '../src/link/stacks.js';
import { packageSpecifier } from '../src/specifiers.js';
import { LineIndex } from '../src/text.js';
import { factsOf } from './helpers.js';

const S = (path: string) => `'${path}'`;
const SEC = S('django.middleware.security.SecurityMiddleware');
const SES = S('django.contrib.sessions.middleware.SessionMiddleware');
const AUTH = S('django.contrib.auth.middleware.AuthenticationMiddleware');
const GZIP = S('django.middleware.gzip.GZipMiddleware');

function entriesOf(src: string, path = '/p/settings.ts') {
  return factsOf(src, path).stacks.map((s) => [s.setting, s.role, s.entries.map((e) => `${e.kind}:${e.value.replace(/^django\.(\w+\.)*/, '')}${e.condition ? `?${e.condition.branch}` : ''}${e.positionUnknown ? '~' : ''}`)]);
}

describe('stack discovery', () => {
  it('reads array literals with `as const` / `satisfies`, strings, references and calls', () => {
    expect(entriesOf(`import { A } from './a';\nexport const MIDDLEWARE = [${SEC}, A, ns.B, cors({ x: 1 })] as const satisfies readonly unknown[];`)).toEqual([
      ['MIDDLEWARE', 'setting', ['string:SecurityMiddleware', 'reference:A', 'reference:ns.B', 'call:cors']],
    ]);
  });

  it('inlines local spreads, keeps other modules\' spreads for the link step, marks conditional spreads', () => {
    const src = `import { BASE } from './base';\nconst SECURITY_MIDDLEWARE = [${SEC}];\nconst DEBUG = true;\nexport const MIDDLEWARE = [...SECURITY_MIDDLEWARE, ...BASE, ...(DEBUG ? [${GZIP}] : [${SES}]), ...(DEBUG && [${AUTH}])];`;
    expect(entriesOf(src)[0]![2]).toEqual(['string:SecurityMiddleware', 'spread:BASE', 'string:GZipMiddleware?0', 'string:SessionMiddleware?1', 'string:AuthenticationMiddleware?0']);
  });

  it('applies push, unshift, splice (literal index or indexOf), self-spread reassignment and concat in order', () => {
    const src = `export let MIDDLEWARE = [${SEC}, ${AUTH}];
MIDDLEWARE.push(${GZIP});
MIDDLEWARE.unshift('x.First');
MIDDLEWARE.splice(MIDDLEWARE.indexOf(${AUTH}), 0, ${SES});
MIDDLEWARE = [...MIDDLEWARE, 'x.Last'];
MIDDLEWARE = MIDDLEWARE.concat(['x.Concat'], 'x.Bare');
MIDDLEWARE.splice(compute(), 0, 'x.Somewhere');
if (process.env.DEBUG) { MIDDLEWARE.push('x.Debug'); }`;
    expect(entriesOf(src)[0]![2]).toEqual([
      'string:x.First',
      'string:SecurityMiddleware',
      'string:SessionMiddleware',
      'string:AuthenticationMiddleware',
      'string:GZipMiddleware',
      'string:x.Last',
      'string:x.Concat',
      'string:x.Bare',
      'string:x.Somewhere~',
      'string:x.Debug?0',
    ]);
  });

  it('reads CommonJS exports, INSTALLED_APPS and MIDDLEWARE_CLASSES, and literal constants', () => {
    const facts = factsOf(`module.exports.MIDDLEWARE = [${SEC}];\nexports.INSTALLED_APPS = ['django.contrib.admin'];\nconst MIDDLEWARE_CLASSES = [];\nconst CSRF_USE_SESSIONS = true;`, '/p/settings.js');
    expect(facts.stacks.map((s) => [s.setting, s.exported, s.entries.length])).toEqual([
      ['MIDDLEWARE', true, 1],
      ['INSTALLED_APPS', true, 1],
      ['MIDDLEWARE_CLASSES', false, 0],
    ]);
    expect(facts.constants).toEqual({ CSRF_USE_SESSIONS: true });
  });

  it('records a call\'s literal arguments in a canonical form, and nothing when one is not a literal', () => {
    const argsOf = (call: string) => factsOf(`export const MIDDLEWARE = [${call}];`).stacks[0]!.entries[0]!.args;
    expect(argsOf('f()')).toBe('[]');
    expect(argsOf(`f({a: 1})`)).toBe(argsOf(`f({ a: 1, })`));
    expect(argsOf(`f('x')`)).toBe(argsOf('f("x")'));
    expect(argsOf('f(`x`)')).toBe(argsOf(`f('x')`));
    expect(argsOf(`f({ b: [1, 'two', null], a: { on: true } })`)).toBe('[{"a":{"on":true},"b":[1,"two",null]}]');
    expect(argsOf(`f({ 'max': 1_000, "min": -0x10 } as const)`)).toBe('[{"max":1000,"min":-16}]');
    expect(argsOf('X.configure({ userModel: "app.User" })')).toBe('[{"userModel":"app.User"}]');
    expect(argsOf('f(1)')).not.toBe(argsOf(`f('1')`));
    // Anything whose value is not written in the source: no args at all.
    for (const call of ['f(x)', 'f({ a })', 'f({ a: x })', 'f({ ...o })', 'f(...list)', 'f([1, ...rest])', 'f(`${a}`)', 'f({ [k]: 1 })', 'f(() => 1)', 'f(/x/)', 'f(undefined)', 'f({ __proto__: null })', 'f({ m() {} })']) {
      expect(argsOf(call), call).toBeUndefined();
    }
  });

  it('a module that mentions no setting costs nothing and declares no stack', () => {
    expect(factsOf('export const items = [1, 2, 3];').stacks).toEqual([]);
  });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'onion-stacks-'));
  writeFileSync(join(root, 'package.json'), '{"private":true}');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

function lintFiles(root: string, files: Record<string, string>, config: OnionConfig = defaultConfig()) {
  const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
  const results = lint(Object.entries(files).map(([rel, text]) => ({ path: join(root, rel), text })), { config, host });
  return results.flatMap((r) => {
    const lines = new LineIndex(r.text);
    return r.diagnostics.map((d) => `${r.filePath.slice(root.length + 1)}:${lines.position(d.range.start).line} ${d.ruleId}`);
  });
}

describe('stacks across modules', () => {
  it('cycles of spreads and circular settings imports end, with no report and no hang', () => {
    const files = {
      'self.ts': `export let MIDDLEWARE = [${SEC}];\nMIDDLEWARE = [...MIDDLEWARE];\nMIDDLEWARE = [...MIDDLEWARE, ...MIDDLEWARE];`,
      'a.ts': `import { MIDDLEWARE as B } from './b';\nexport const MIDDLEWARE = [${SES}, ...B];`,
      'b.ts': `import { MIDDLEWARE as A } from './a';\nexport const MIDDLEWARE = [...A, ${AUTH}];`,
    };
    const root = project(files);
    const started = Date.now();
    const reports = lintFiles(root, files);
    expect(Date.now() - started).toBeLessThan(5000);
    // self.ts ends as [Security, Security] (a real duplicate); a.ts and b.ts spread each other: the
    // cycle becomes an unknown entry, so nothing is proven about them.
    expect(reports).toEqual(['self.ts:1 onion/no-duplicate-middleware']);
  });

  it('a 5,000-entry MIDDLEWARE is linted quickly and its one duplicate found', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => `  'app.m${i}.Layer',`);
    entries.splice(2500, 0, `  'app.m7.Layer',`);
    const files = { 'settings.ts': `export const MIDDLEWARE = [\n${entries.join('\n')}\n];\n` };
    const root = project({ ...files, 'app/.keep.ts': '' });
    const started = Date.now();
    const reports = lintFiles(root, files);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(reports.filter((r) => r.endsWith('no-duplicate-middleware'))).toEqual(['settings.ts:2502 onion/no-duplicate-middleware']);
  });

  it('the deploy preset requires Security, CSRF and X-Frame-Options; recommended does not', () => {
    const files = { 'settings.ts': `export const MIDDLEWARE = [${SES}, ${AUTH}];` };
    const root = project(files);
    expect(lintFiles(root, files)).toEqual([]);
    const deploy = { ...defaultConfig(), presets: ['recommended', 'deploy'] };
    expect(lintFiles(root, files, deploy)).toEqual(['settings.ts:1 onion/required-middleware', 'settings.ts:1 onion/required-middleware', 'settings.ts:1 onion/required-middleware']);
  });

  it('knowledge extensions add what third-party middleware set, need and where they go', () => {
    const files = { 'settings.ts': `export const MIDDLEWARE = ['corsheaders.middleware.CorsMiddleware', ${SEC}, 'tenants.TenantMiddleware', 'app.UsesTenant'];` };
    const root = project({ ...files, 'app.ts': 'export class UsesTenant {\n  constructor(getResponse) { this.getResponse = getResponse; }\n  call(request) { if (request.tenant) log(); return this.getResponse(request); }\n}\n' });
    const config = {
      ...defaultConfig(),
      knowledge: [
        { path: 'corsheaders.middleware.CorsMiddleware', below: ['django.middleware.security.SecurityMiddleware'], note: 'django-cors-headers documents it above CommonMiddleware' },
        { path: 'tenants.TenantMiddleware', sets: ['tenant'] },
      ],
    };
    expect(lintFiles(root, files, config)).toEqual(['settings.ts:1 onion/middleware-order']);
    expect(knowledgeBase(config.knowledge).middleware.get('tenants.TenantMiddleware')?.sets).toEqual(['tenant']);
  });

  it('the startproject default is clean', () => {
    const files = { 'settings.ts': `export const MIDDLEWARE = [${STARTPROJECT_DEFAULT.map(S).join(', ')}];\nexport const INSTALLED_APPS = ['django.contrib.admin'];` };
    expect(lintFiles(project(files), files)).toEqual([]);
  });
});

describe('files that cannot hold middleware are only parsed, and completed when referred to', () => {
  it('a class with an unusual next-layer name, listed by a stack, is still judged as middleware', () => {
    const files = {
      'inner.ts': 'export class Wrapper {\n  constructor(inner) {\n    this.inner = inner;\n  }\n  call(request) {\n    this.inner(request);\n  }\n}\n',
      'settings.ts': `import { Wrapper } from './inner';\nexport const MIDDLEWARE = [${SEC}, Wrapper];\n`,
    };
    expect(factsOf(files['inner.ts']).units).toHaveLength(1);
    expect(lintFiles(project(files), files)).toEqual(['inner.ts:7 onion/return-response']);
  });

  it('a syntax error in an ordinary file is still reported', () => {
    const files = { 'util.ts': 'export function f( {\n' };
    expect(lintFiles(project(files), files)).toEqual(['util.ts:2 null']);
  });
});

describe('dotted paths', () => {
  it('resolve under the project folder and, by default, its src/ folder', () => {
    const mw = 'export class Timing {\n  constructor(getResponse) { this.getResponse = getResponse; }\n  call(request) { return this.getResponse(request); }\n}\n';
    const files = { 'src/settings.ts': `export const MIDDLEWARE = [${SEC}, 'app.timing.Timing', 'src.app.timing2.Timing', 'app.nope.Missing'];\n` };
    const root = project({ ...files, 'src/app/timing.ts': mw, 'src/app/timing2.ts': mw });
    expect(lintFiles(root, files)).toEqual(['src/settings.ts:1 onion/resolvable-middleware']);
  });
});

describe("Alexi's built-ins, known by package and export", () => {
  it('matches a package specifier as written, without jsr:/npm: and a version', () => {
    expect(packageSpecifier('@alexi/auth')).toBe('@alexi/auth');
    expect(packageSpecifier('jsr:@alexi/auth@^0.24')).toBe('@alexi/auth');
    expect(packageSpecifier('jsr:/@alexi/middleware@0.24.2')).toBe('@alexi/middleware');
    expect(packageSpecifier('jsr:@alexi/db@^0.15/backends/denokv')).toBe('@alexi/db/backends/denokv');
    expect(packageSpecifier('npm:express@4/lib/router')).toBe('express/lib/router');
    for (const notAPackage of ['./auth.ts', '../auth', '/abs/auth.ts', 'https://jsr.io/@alexi/auth/0.24.2/mod.ts', 'node:fs']) expect(packageSpecifier(notAPackage), notAPackage).toBeUndefined();
  });

  it('knows each export in the form Alexi documents it, and nothing else of its packages', () => {
    const facts = factsOf(
      `import { AuthenticationMiddleware, SessionMiddleware } from '@alexi/auth';
import * as mw from 'jsr:@alexi/middleware@^0.24';
export const MIDDLEWARE = [mw.corsMiddleware(), AuthenticationMiddleware.configure({ userModel: User }), SessionMiddleware, mw.CorsMiddleware(), mw.loggingMiddleware];`,
      '/p/settings.ts',
    );
    const { stacks } = linkStacks([facts], (p) => (p === facts.path ? facts : undefined), defaultConfig());
    expect(stacks[0]!.entries.map((e) => [e.label, e.identity, e.sets.join(',')])).toEqual([
      ['corsMiddleware', '@alexi/middleware#CorsMiddleware', ''],
      ['AuthenticationMiddleware', '@alexi/auth#AuthenticationMiddleware', 'user'],
      // Not an Alexi export: unknown, and not Django's SessionMiddleware by name either.
      ['SessionMiddleware', '@alexi/auth#SessionMiddleware', ''],
      // A class called as a factory, a factory listed uncalled: not what Alexi documents.
      ['CorsMiddleware', 'jsr:@alexi/middleware@^0.24#CorsMiddleware', ''],
      ['loggingMiddleware', 'jsr:@alexi/middleware@^0.24#loggingMiddleware', ''],
    ]);
  });

  it("a project subclass of Alexi's AuthenticationMiddleware sets request.user", () => {
    const files = {
      'auth.ts': `import { AuthenticationMiddleware } from "@alexi/auth";\nexport class ShopAuthentication extends AuthenticationMiddleware {}\n`,
      'staff.ts': 'export class StaffOnly {\n  constructor(getResponse) { this.getResponse = getResponse; }\n  call(request) { if (!request.user) return new Response(null, { status: 403 }); return this.getResponse(request); }\n}\n',
      'settings.ts': `import { ShopAuthentication } from "./auth.ts";\nimport { StaffOnly } from "./staff.ts";\nexport const MIDDLEWARE = [\n  StaffOnly,\n  ShopAuthentication,\n];\n`,
    };
    expect(lintFiles(project(files), files)).toEqual(['settings.ts:4 onion/middleware-order']);
  });
});
