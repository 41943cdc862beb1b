import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, lintProject } from '../src/engine.js';
import { ensurePythonParser } from '../src/frontends/python/index.js';
import { linkStacks, type Stack } from '../src/link/stacks.js';
import type { FileFacts } from '../src/model.js';
import { pyprojectRoots, PythonModules } from '../src/link/python.js';
import { project } from './cli/run.js';
import { diskHost } from './helpers.js';
import { BASE, BASE_LAYERS, TIMING } from './python-project.js';

beforeAll(async () => {
  await ensurePythonParser();
});

/** Lints the given files of a project (others are read from disk when linking needs them). */
function lintFiles(root: string, rels: string[], config = defaultConfig()) {
  const inputs = rels.map((rel) => ({ path: join(root, rel), text: readFileSync(join(root, rel), 'utf8') }));
  return lintProject(inputs, { config, host: { ...diskHost, listDirectory: (dir) => readdirSync(dir) } });
}

/** The stack of one file: each entry as `resolution-kind:label`, with `?` for a condition. */
function stackOf(root: string, rels: string[], rel = rels[0]!): { stack: Stack; shown: string[] } {
  const { model } = lintFiles(root, rels);
  const stack = model.stackContexts.find((c) => c.filePath === join(root, rel) && c.stack.setting === 'MIDDLEWARE')!.stack;
  return {
    stack,
    shown: stack.entries.map((e) => `${e.resolution.kind === 'unresolved' ? `unresolved(${e.resolution.problem})` : e.resolution.kind}:${e.label}${e.fact.condition ? '?' : ''}`),
  };
}

/** Reports of a run as `file:rule@line`. */
function reportsOf(root: string, rels: string[]): string[] {
  const { results } = lintFiles(root, rels);
  return results.flatMap((r) =>
    r.diagnostics.map((d) => `${r.filePath.slice(root.length + 1)}:${d.ruleId?.replace('onion/', '') ?? 'fatal'}@${r.text.slice(0, d.range.start).split('\n').length}`),
  );
}

function messagesOf(root: string, rels: string[]): string[] {
  return lintFiles(root, rels).results.flatMap((r) => r.diagnostics.map((d) => d.message));
}

describe('Python module resolution', () => {
  it('relative imports: `.base`, `..x`, `.` (the package), from a package and from its __init__.py', () => {
    const root = project({
      'manage.py': '',
      'proj/__init__.py': '',
      'proj/settings/__init__.py': 'from .base import *\n',
      'proj/settings/base.py': BASE,
      'proj/middleware.py': TIMING,
    });
    const modules = new PythonModules();
    const look = (p: string) => (existsSync(p) ? ({ path: p } as FileFacts) : undefined);
    const from = join(root, 'proj/settings/dev.py');
    expect(modules.module(from, '.base', look)!.path).toBe(join(root, 'proj/settings/base.py'));
    expect(modules.module(from, '..middleware', look)!.path).toBe(join(root, 'proj/middleware.py'));
    expect(modules.module(from, '.', look)!.path).toBe(join(root, 'proj/settings/__init__.py'));
    expect(modules.module(from, '..settings', look)!.path).toBe(join(root, 'proj/settings/__init__.py'));
    expect(modules.module(join(root, 'proj/settings/__init__.py'), '.base', look)!.path).toBe(join(root, 'proj/settings/base.py'));
    expect(modules.module(from, 'proj.middleware', look)!.path).toBe(join(root, 'proj/middleware.py'));
    expect(modules.module(from, 'proj.settings', look)!.path).toBe(join(root, 'proj/settings/__init__.py'));
    expect(modules.module(from, 'django.utils.deprecation', look)).toBeUndefined();
    expect(modules.module(from, '.nothing', look)).toBeUndefined();
  });

  it('roots: manage.py, a src/ layout, pyproject packages (setuptools and poetry), configured roots', () => {
    expect(pyprojectRoots('[tool.setuptools]\npackage-dir = { "" = "src" }\n')).toEqual(['src']);
    expect(pyprojectRoots('[tool.setuptools.packages.find]\nwhere = ["lib", "apps"]\n')).toEqual(['lib', 'apps']);
    expect(pyprojectRoots('[tool.poetry]\npackages = [{ include = "shop", from = "backend" }, { include = "tools" }]\n')).toEqual(['backend', '.']);
    expect(pyprojectRoots('not toml [')).toEqual([]);
    const root = project({
      'pyproject.toml': '[tool.poetry]\nname = "x"\npackages = [{ include = "shop", from = "backend" }]\n',
      'backend/shop/__init__.py': '',
      'backend/shop/mw.py': TIMING,
      'src/site/__init__.py': '',
      'src/site/settings.py': BASE,
      'extra/lib/__init__.py': '',
    });
    const roots = new PythonModules(['extra']).projectOf(join(root, 'src/site/settings.py')).roots;
    expect(roots).toEqual([join(root, 'extra'), join(root, 'backend'), root, join(root, 'src')]);
  });
});

describe('Python settings packages compose', () => {
  const files = {
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.dev")\n',
    'proj/__init__.py': '',
    'proj/middleware.py': TIMING,
    'proj/settings/__init__.py': '',
    'proj/settings/base.py': BASE,
    'proj/settings/dev.py': `from .base import *  # noqa: F403

MIDDLEWARE += ["proj.middleware.TimingMiddleware"]
MIDDLEWARE.insert(0, "django.middleware.gzip.GZipMiddleware")

try:
    from .local import *  # noqa: F403
except ImportError:
    pass
`,
  };

  it('dev.py over base.py: the star import binds base.py\'s list; an optional local module that is not there adds nothing', () => {
    const root = project(files);
    const { stack, shown } = stackOf(root, ['proj/settings/dev.py']);
    expect(shown).toEqual([
      'builtin:GZipMiddleware',
      ...BASE_LAYERS.map((l) => `builtin:${l}`),
      'project:TimingMiddleware',
    ]);
    expect(stack.open).toBe(false);
    expect(stack.entries[1]!.filePath).toBe(join(root, 'proj/settings/base.py'));
  });

  it('a local module that defines the list is the other alternative; one that does not binds nothing', () => {
    const withLocal = project({ ...files, 'proj/settings/local.py': 'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]\n' });
    expect(stackOf(withLocal, ['proj/settings/dev.py']).shown).toEqual([
      'builtin:SecurityMiddleware?',
      'builtin:GZipMiddleware?',
      ...BASE_LAYERS.map((l) => `builtin:${l}?`),
      'project:TimingMiddleware?',
    ]);
    const unrelated = project({ ...files, 'proj/settings/local.py': 'DEBUG = True\n' });
    expect(stackOf(unrelated, ['proj/settings/dev.py']).shown).toHaveLength(8);
    expect(stackOf(unrelated, ['proj/settings/dev.py']).shown.some((s) => s.endsWith('?'))).toBe(false);
  });

  it('a spread resolves by the last import before it, never the module\'s own final list', () => {
    const root = project({
      ...files,
      'proj/settings/other.py': 'MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware"]\n',
      'proj/settings/mixed.py': `from .base import *  # noqa
MIDDLEWARE = MIDDLEWARE + ["proj.middleware.TimingMiddleware"]
from .other import MIDDLEWARE as OTHER
MIDDLEWARE = OTHER + MIDDLEWARE
`,
    });
    expect(stackOf(root, ['proj/settings/mixed.py']).shown).toEqual([
      'builtin:GZipMiddleware',
      ...BASE_LAYERS.map((l) => `builtin:${l}`),
      'project:TimingMiddleware',
    ]);
  });

  it('star imports bind transitively (through settings/__init__.py), and absolute imports resolve under the roots', () => {
    const root = project({
      ...files,
      'proj/settings/__init__.py': 'from .base import *  # noqa\n',
      'proj/prod.py': 'from proj.settings import *  # noqa\nMIDDLEWARE.append("proj.middleware.TimingMiddleware")\n',
    });
    const { shown } = stackOf(root, ['proj/prod.py']);
    expect(shown[0]).toBe('builtin:SecurityMiddleware');
    expect(shown.at(-1)).toBe('project:TimingMiddleware');
    expect(shown).toHaveLength(7);
  });

  it('a list read through a module bound by name: `from . import base`, then `[*base.MIDDLEWARE, ...]`', () => {
    const root = project({
      ...files,
      'proj/settings/dev.py': 'from . import base\n\nMIDDLEWARE = [*base.MIDDLEWARE, "proj.middleware.TimingMiddleware"]\n',
    });
    expect(stackOf(root, ['proj/settings/dev.py']).shown).toEqual([...BASE_LAYERS.map((l) => `builtin:${l}`), 'project:TimingMiddleware']);
  });

  it('inserts into an imported list land where Python puts them: an index, `A.index("x") ± k`, a negative index', () => {
    const dev = (edits: string[]) => project({ ...files, 'proj/settings/dev.py': ['from .base import *  # noqa: F403', '', ...edits, ''].join('\n') });
    const layers = BASE_LAYERS.map((l) => `builtin:${l}`);
    expect(stackOf(dev(['MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")']), ['proj/settings/dev.py']).shown).toEqual([layers[0], 'builtin:WhiteNoiseMiddleware', ...layers.slice(1)]);
    expect(
      stackOf(dev(['MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1, "proj.middleware.TimingMiddleware")']), ['proj/settings/dev.py']).shown,
    ).toEqual([...layers.slice(0, 3), 'project:TimingMiddleware', ...layers.slice(3)]);
    // In the order the statements run: the second insert counts the first one's entry.
    expect(
      stackOf(dev(['MIDDLEWARE += ["proj.middleware.TimingMiddleware"]', 'MIDDLEWARE.insert(-1, "django.middleware.gzip.GZipMiddleware")', 'MIDDLEWARE.insert(99, "django.middleware.locale.LocaleMiddleware")']), ['proj/settings/dev.py']).shown,
    ).toEqual([...layers, 'builtin:GZipMiddleware', 'project:TimingMiddleware', 'builtin:LocaleMiddleware']);
  });

  it('an insert placed into an imported list is ordered like any entry; one that cannot be placed stays silent', () => {
    const misplaced = project({ ...files, 'proj/settings/dev.py': 'from .base import *  # noqa: F403\n\nMIDDLEWARE.insert(1, "django_otp.middleware.OTPMiddleware")\n' });
    expect(reportsOf(misplaced, ['proj/settings/dev.py'])).toEqual(['proj/settings/dev.py:middleware-order@3']);
    // A missing anchor (Python raises ValueError) or a conditional entry before the index: no place, no report.
    const unknown = project({
      ...files,
      'proj/settings/base.py': BASE.replace(']\n', ']\nif DEBUG:\n    MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")\n'),
      'proj/settings/dev.py': 'from .base import *  # noqa: F403\n\nMIDDLEWARE.insert(1, "django_otp.middleware.OTPMiddleware")\nMIDDLEWARE.insert(MIDDLEWARE.index("nowhere.Middleware"), "django_browser_reload.middleware.BrowserReloadMiddleware")\n',
    });
    expect(reportsOf(unknown, ['proj/settings/dev.py'])).toEqual([]);
    expect(stackOf(unknown, ['proj/settings/dev.py']).stack.entries.filter((e) => e.fact.placement).map((e) => `${e.label}${e.fact.positionUnknown ? '?' : ''}`)).toEqual(['OTPMiddleware?', 'BrowserReloadMiddleware?']);
  });

  it('base.py is not final when a sibling module spreads it', () => {
    const root = project(files);
    const { model } = lintFiles(root, ['proj/settings/base.py', 'proj/settings/dev.py']);
    const finals = model.stackContexts.map((c) => [c.filePath.slice(root.length + 1), c.stack.final]);
    expect(finals).toEqual([
      ['proj/settings/base.py', false],
      ['proj/settings/dev.py', true],
    ]);
  });
});

describe('Python dotted paths', () => {
  const files = {
    'manage.py': '',
    'proj/__init__.py': '',
    'proj/middleware/__init__.py': 'from .timing import TimingMiddleware  # noqa: F401\n',
    'proj/middleware/timing.py': TIMING,
    'proj/settings.py': '',
  };
  const withSettings = (entries: string[]) =>
    project({ ...files, 'proj/settings.py': `MIDDLEWARE = [\n${entries.map((e) => `    "${e}",\n`).join('')}]\n` });

  it('project classes, re-exported through __init__.py; packages the knowledge base describes are known, other packages unknown', () => {
    const root = withSettings(['proj.middleware.TimingMiddleware', 'proj.middleware.timing.TimingMiddleware', 'corsheaders.middleware.CorsMiddleware', 'acme.unknown.ThingMiddleware']);
    expect(stackOf(root, ['proj/settings.py']).shown).toEqual(['project:TimingMiddleware', 'project:TimingMiddleware', 'builtin:CorsMiddleware', 'unknown:ThingMiddleware']);
    expect(reportsOf(root, ['proj/settings.py']).filter((r) => r.includes('resolvable'))).toEqual([]);
  });

  it('a missing module of a project package: ModuleNotFoundError with the first missing module, and a typo suggestion', () => {
    const root = withSettings(['proj.middlewar.timing.TimingMiddleware', 'proj.middleware.timming.TimingMiddleware']);
    expect(reportsOf(root, ['proj/settings.py'])).toEqual(['proj/settings.py:resolvable-middleware@2', 'proj/settings.py:resolvable-middleware@3']);
    const [first, second] = messagesOf(root, ['proj/settings.py']);
    expect(first).toContain("ModuleNotFoundError: No module named 'proj.middlewar'");
    expect(first).toContain('Did you mean `proj.middleware`?');
    expect(second).toContain("ModuleNotFoundError: No module named 'proj.middleware.timming'");
    expect(second).toContain('Did you mean `proj.middleware.timing`?');
  });

  it('a missing attribute: ImportError as Django words it, with a typo suggestion', () => {
    const root = withSettings(['proj.middleware.timing.TimingMiddlware']);
    expect(messagesOf(root, ['proj/settings.py'])).toEqual([
      '`proj.middleware.timing.TimingMiddlware` names `TimingMiddlware`, which `timing.py` does not define: start-up fails with `ImportError: Module "proj.middleware.timing" does not define a "TimingMiddlware" attribute/class`. Did you mean `TimingMiddleware`?',
    ]);
  });

  it('a name star-imported into a package\'s __init__.py is found there', () => {
    const root = project({ ...files, 'proj/middleware/__init__.py': 'from .timing import *  # noqa: F403\n', 'proj/settings.py': 'MIDDLEWARE = ["proj.middleware.TimingMiddleware"]\n' });
    expect(stackOf(root, ['proj/settings.py']).shown).toEqual(['project:TimingMiddleware']);
  });

  it('silent where the module may hold the name: a star import of a package, a module __getattr__, a compiled module', () => {
    const root = project({
      ...files,
      'proj/fast.cpython-312-x86_64-linux-gnu.so': '',
      'proj/settings.py': 'MIDDLEWARE = ["proj.extra.AcmeMiddleware", "proj.lazy.Anything", "proj.missing_mod.X", "proj.fast.FastMiddleware"]\n',
      'proj/extra.py': 'from acme.middleware import *  # noqa\n',
      'proj/lazy.py': 'def __getattr__(name):\n    raise AttributeError(name)\n',
    });
    expect(reportsOf(root, ['proj/settings.py'])).toEqual(['proj/settings.py:resolvable-middleware@1']);
  });
});

describe('django-split-settings includes (`include()` read by the front-end, linked)', () => {
  const options = { names: defaultConfig().names };
  /** The project's files as facts; the includer calls `include(...)` with these arguments (`file?:x` is `optional("x")`). */
  function split(includes: string[], extra: Record<string, string> = {}) {
    const args = includes.map((source) => (source.startsWith('file?:') ? `    optional("${source.slice(6)}"),` : `    "${source.slice(5)}",`));
    const root = project({
      'manage.py': '',
      'proj/__init__.py': '',
      'proj/middleware.py': TIMING,
      'proj/settings/__init__.py': `from split_settings.tools import include, optional\n\ninclude(\n${args.join('\n')}\n)\n`,
      'proj/settings/components/base.py': BASE,
      'proj/settings/components/timing.py': 'MIDDLEWARE += ["proj.middleware.TimingMiddleware"]\n',
      ...extra,
    });
    const includer = join(root, 'proj/settings/__init__.py');
    const facts = new Map<string, FileFacts>();
    const lookup = (p: string): FileFacts | undefined => {
      if (!facts.has(p)) {
        if (!existsSync(p)) return undefined;
        facts.set(p, extractFacts(p, readFileSync(p, 'utf8'), options));
      }
      return facts.get(p);
    };
    return { root, lookup, includer };
  }
  const show = (stack: Stack) => stack.entries.map((e) => `${e.resolution.kind}:${e.label}`);

  it('a component editing a list it never binds continues the list of the includer\'s earlier includes', () => {
    const { root, lookup, includer } = split(['file:components/base.py', 'file:components/*.py', 'file?:local.py']);
    const all = [includer, join(root, 'proj/settings/components/base.py'), join(root, 'proj/settings/components/timing.py')].map((p) => lookup(p)!);
    const { stacks } = linkStacks(all, lookup, defaultConfig());
    const timing = stacks.find((s) => s.filePath.endsWith('timing.py'))!;
    expect(show(timing)).toEqual([
      ...BASE_LAYERS.map((l) => `builtin:${l}`),
      'project:TimingMiddleware',
    ]);
    expect(timing.final).toBe(true);
    expect(stacks.find((s) => s.filePath.endsWith('base.py'))!.final).toBe(false);
  });

  it('reached alone, or through a missing required include, the component\'s own list stays unknown', () => {
    const alone = split(['file:components/base.py', 'file:components/*.py']);
    const timingPath = join(alone.root, 'proj/settings/components/timing.py');
    expect(show(linkStacks([alone.lookup(timingPath)!], alone.lookup, defaultConfig()).stacks[0]!)).toEqual(['unknown:MIDDLEWARE', 'project:TimingMiddleware']);
    const missing = split(['file:components/nothere.py', 'file:components/timing.py']);
    const all = [missing.includer, join(missing.root, 'proj/settings/components/timing.py')].map((p) => missing.lookup(p)!);
    expect(show(linkStacks(all, missing.lookup, defaultConfig()).stacks.find((s) => s.filePath.endsWith('timing.py'))!)[0]).toBe('unknown:MIDDLEWARE');
  });

  it('an optional include that is not there is skipped; glob matches come in sorted order', () => {
    const { root, lookup, includer } = split(['file?:components/first.py', 'file:components/*.py'], {
      'proj/settings/components/a_first.py': 'MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware"]\n',
    });
    const all = [includer, join(root, 'proj/settings/components/timing.py')].map((p) => lookup(p)!);
    const timing = linkStacks(all, lookup, defaultConfig()).stacks.find((s) => s.filePath.endsWith('timing.py'))!;
    // a_first.py, base.py, timing.py: base.py's list is the one bound before timing.py.
    expect(show(timing)[0]).toBe('builtin:SecurityMiddleware');
    expect(new PythonModules().included(includer, 'file:components/*.py', lookup)!.map((f) => f.path.slice(root.length + 1))).toEqual([
      'proj/settings/components/a_first.py',
      'proj/settings/components/base.py',
      'proj/settings/components/timing.py',
    ]);
    expect(new PythonModules().included(includer, 'file?:nothere.py', lookup)).toEqual([]);
    expect(new PythonModules().included(includer, 'file:nothere.py', lookup)).toBeUndefined();
  });
});

describe('resolvable-middleware on Python classes Django cannot build or would not run', () => {
  const settings = (paths: string[]) => `MIDDLEWARE = [\n${paths.map((p) => `    "${p}",\n`).join('')}]\n`;
  const run = (middleware: string, names: string[], extra: Record<string, string> = {}) => {
    const root = project({ 'manage.py': '', 'proj/__init__.py': '', 'proj/middleware.py': middleware, 'proj/settings.py': settings(names.map((n) => `proj.middleware.${n}`)), ...extra });
    return lintFiles(root, ['proj/settings.py']).results[0]!.diagnostics.map((d) => d.message.replace(/^`[^`]+` /, ''));
  };

  it('no __init__ anywhere and no middleware base: `X() takes no arguments`', () => {
    expect(run('class Timing:\n    def __call__(self, request):\n        return None\n', ['Timing'])).toEqual([
      'cannot be built with `get_response`: Django fails at start-up with `TypeError: Timing() takes no arguments`. Give it `__init__(self, get_response)`, or derive it from `MiddlewareMixin`.',
    ]);
  });

  it('__init__ without a parameter for get_response, or with two required ones; the message names the class that defines it', () => {
    const code = `class NoParam:
    def __init__(self):
        self.count = 0

    def __call__(self, request):
        return None


class TwoRequired:
    def __init__(self, get_response, header):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class Three:
    def __init__(self, get_response, a, b, c=1):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class Inherits(TwoRequired):
    pass
`;
    expect(run(code, ['NoParam', 'TwoRequired', 'Three', 'Inherits']).map((m) => /`(TypeError[^`]*)`/.exec(m)![1])).toEqual([
      'TypeError: NoParam.__init__() takes 1 positional argument but 2 were given',
      "TypeError: TwoRequired.__init__() missing 1 required positional argument: 'header'",
      "TypeError: Three.__init__() missing 2 required positional arguments: 'a' and 'b'",
      "TypeError: TwoRequired.__init__() missing 1 required positional argument: 'header'",
    ]);
  });

  it('a plain class whose process_request / process_response Django never calls', () => {
    const code = `class Audit:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_request(self, request):
        request.audited = True
`;
    expect(run(code, ['Audit'])).toEqual([
      'is a plain class: Django never calls its `process_request` (it calls only `__call__`, `process_view`, `process_exception` and `process_template_response`). Derive it from `django.utils.deprecation.MiddlewareMixin`, or do the work in `__call__`.',
    ]);
  });

  it('silent: MiddlewareMixin subclasses (directly, through a project base in another module, or a Django class), optional extra parameters, *args, unknown bases', () => {
    const code = `from django.contrib.auth.middleware import RemoteUserMiddleware
from django.utils.deprecation import MiddlewareMixin

from acme.base import AcmeBase
from proj.base import ProjectBase


class Stamp(MiddlewareMixin):
    def process_response(self, request, response):
        response["X-Stamp"] = "1"
        return response


class Header(ProjectBase):
    def process_request(self, request):
        request.header_seen = True


class Remote(RemoteUserMiddleware):
    header = "HTTP_X_USER"


class Optional:
    def __init__(self, get_response, header="X-Id"):
        self.get_response = get_response
        self.header = header

    def __call__(self, request):
        return self.get_response(request)


class Splat:
    def __init__(self, *args):
        self.get_response = args[0]

    def __call__(self, request):
        return self.get_response(request)


class Unknown(AcmeBase):
    def process_request(self, request):
        request.acme = True
`;
    const base = 'from django.utils.deprecation import MiddlewareMixin\n\n\nclass ProjectBase(MiddlewareMixin):\n    pass\n';
    expect(run(code, ['Stamp', 'Header', 'Remote', 'Optional', 'Splat', 'Unknown'], { 'proj/base.py': base })).toEqual([]);
  });
});

describe('MiddlewareMixin chains across Python modules (linkUnits)', () => {
  it('a class deriving from a project base that derives from MiddlewareMixin is middleware, even when no stack lists it', () => {
    const root = project({
      'manage.py': '',
      'proj/__init__.py': '',
      'proj/base.py': 'from django.utils.deprecation import MiddlewareMixin\n\n\nclass ProjectBase(MiddlewareMixin):\n    pass\n',
      'proj/headers.py': `from proj.base import ProjectBase


class Headers(ProjectBase):
    def process_template_response(self, request, response):
        return None
`,
      'proj/other.py': `from acme.base import AcmeBase


class Other(AcmeBase):
    def process_template_response(self, request, response):
        return None
`,
    });
    const { model, results } = lintFiles(root, ['proj/headers.py', 'proj/other.py']);
    expect(model.units.map((u) => [u.unit.name, u.confirmed, u.baseIsMiddleware])).toEqual([
      ['Headers', true, true],
      ['Other', false, false],
    ]);
    // The confirmed one is judged: its template hook returns None.
    expect(results.map((r) => r.diagnostics.map((d) => d.ruleId))).toEqual([['onion/hook-return'], []]);
  });
});

describe('resolvable-middleware on Python entries that name no middleware', () => {
  it('a function taking the request, and a module, are reported; an alias, a decorated factory and an assignment are not', () => {
    const root = project({
      'manage.py': '',
      'proj/__init__.py': '',
      'proj/middleware/__init__.py': `from django.utils.decorators import sync_and_async_middleware

from .timing import TimingMiddleware

Timing = TimingMiddleware
configured = TimingMiddleware


def add_header(request):
    return None


@sync_and_async_middleware
def stamp(get_response):
    def middleware(request):
        return get_response(request)

    return middleware
`,
      'proj/middleware/timing.py': TIMING,
      'proj/settings.py': `MIDDLEWARE = [
    "proj.middleware.add_header",
    "proj.middleware.timing",
    "proj.middleware.Timing",
    "proj.middleware.configured",
    "proj.middleware.stamp",
]
`,
    });
    expect(messagesOf(root, ['proj/settings.py'])).toEqual([
      '`proj.middleware.add_header` is not middleware: it is a function taking `request`, not a factory taking `get_response`. Django calls each entry once at start-up with `get_response` and serves every request with what that returns. List a middleware class or factory instead.',
      '`proj.middleware.timing` is not middleware: it names a module, not a middleware class or factory in it. Django calls each entry once at start-up with `get_response` and serves every request with what that returns. List a middleware class or factory instead.',
    ]);
  });
});

describe('final stacks', () => {
  it('base.py given alone is not final when a settings module beside it spreads it', () => {
    const root = project({
      'manage.py': '',
      'proj/__init__.py': '',
      'proj/settings/__init__.py': '',
      'proj/settings/base.py': BASE,
      'proj/settings/dev.py': 'from .base import *  # noqa: F403\n\nMIDDLEWARE += ["django.middleware.gzip.GZipMiddleware"]\n',
    });
    const { model } = lintFiles(root, ['proj/settings/base.py']);
    expect(model.stackContexts.map((c) => c.stack.final)).toEqual([false]);
  });
});

describe('a Python class with a base and its own __init__', () => {
  it('is not reported as having no handler: its base may supply __call__ (MiddlewareMixin does)', () => {
    const root = project({
      'manage.py': '',
      'proj/__init__.py': '',
      'proj/middleware.py': `from django.utils.deprecation import MiddlewareMixin


class PoweredBy(MiddlewareMixin):
    def __init__(self, get_response):
        super().__init__(get_response)
        self.value = "proj"

    def process_response(self, request, response):
        response["X-Powered-By"] = self.value
        return response
`,
      'proj/settings.py': 'MIDDLEWARE = ["proj.middleware.PoweredBy"]\n',
    });
    expect(reportsOf(root, ['proj/settings.py'])).toEqual([]);
  });
});

describe('Python entries that are names', () => {
  it('a string constant imported from another module is its dotted path; a class object listed itself is no path', () => {
    const root = project({
      'manage.py': '',
      'proj/__init__.py': '',
      'proj/middleware.py': TIMING,
      'proj/constants.py': 'TIMING = "proj.middleware.TimingMiddleware"\nSILK = "silk.middleware.SilkyMiddleware"\n',
      'proj/settings.py': `from proj.constants import *  # noqa: F403
from proj.constants import TIMING as TIMED
from proj.middleware import TimingMiddleware

MIDDLEWARE = [TIMED, SILK, TimingMiddleware, "TimingMiddleware"]
`,
    });
    expect(stackOf(root, ['proj/settings.py']).shown).toEqual(['project:TimingMiddleware', 'builtin:SilkyMiddleware', 'unresolved(notDottedPath):TimingMiddleware', 'unresolved(notDottedPath):TimingMiddleware']);
    expect(messagesOf(root, ['proj/settings.py']).map((m) => /`((?:AttributeError|ImportError)[^`]*)`/.exec(m)![1])).toEqual([
      "AttributeError: type object 'TimingMiddleware' has no attribute 'rsplit'",
      "ImportError: TimingMiddleware doesn't look like a module path",
    ]);
  });
});

describe('modules that re-export each other', () => {
  it('Python star imports in a cycle (as in the standard library) end, and the names they do define still resolve', () => {
    const root = project({
      'manage.py': '',
      'proj/__init__.py': '',
      'proj/a.py': 'from .b import *  # noqa: F403\n',
      'proj/b.py': 'from .a import *  # noqa: F403\nfrom .middleware import TimingMiddleware  # noqa: F401\n',
      'proj/middleware.py': TIMING,
      'proj/settings.py': 'MIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n    "proj.a.TimingMiddleware",\n    "proj.a.Missing",\n]\n',
    });
    // Every module of the cycle is the project's own: a name none of them defines is missing (ImportError at start-up).
    expect(stackOf(root, ['proj/settings.py']).shown).toEqual(['builtin:SecurityMiddleware', 'project:TimingMiddleware', 'unresolved(missingExport):Missing']);
    expect(reportsOf(root, ['proj/settings.py', 'proj/a.py', 'proj/b.py'])).toEqual(['proj/settings.py:resolvable-middleware@4']);
  });

  it('TypeScript `export *` both ways ends too', () => {
    const root = project({
      'package.json': '{"type":"module"}',
      'src/a.ts': "export * from './b.js';\n",
      'src/b.ts': "export * from './a.js';\n",
      'src/settings.ts': "import { Nothing } from './a.js';\n\nexport const MIDDLEWARE = ['django.middleware.security.SecurityMiddleware', Nothing];\n",
    });
    expect(() => lintFiles(root, ['src/settings.ts'])).not.toThrow();
  });
});
