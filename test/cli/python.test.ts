import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePythonParser } from '../../src/frontends/python/index.js';
import { pythonSettingsFiles, settingsModuleNames } from '../../src/link/python-settings.js';
import { BASE, BASE_LAYERS } from '../python-project.js';
import { project, run } from './run.js';

beforeAll(async () => {
  await ensurePythonParser();
});

/** A middleware whose next layer has an unusual name: only a stack listing it makes it middleware. */
const TIMING = `class Timing:
    def __init__(self, inner):
        self.inner = inner

    def __call__(self, request):
        response = self.inner(request)
        response["X-Timing"] = "1"
`;

const DJANGO_PROJECT = {
  'manage.py': 'import os\n\n\ndef main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.dev")\n',
  'proj/__init__.py': '',
  'proj/settings/__init__.py': '',
  'proj/settings/base.py': BASE,
  'proj/settings/dev.py': 'from .base import *  # noqa: F403\n\nMIDDLEWARE += ["proj.middleware.Timing"]\n',
  'proj/middleware.py': TIMING,
};

describe('onionlint stack on a Python settings module', () => {
  it('draws dev.py over base.py, with the project class resolved', async () => {
    const root = project(DJANGO_PROJECT);
    const result = await run(['stack', 'proj/settings/dev.py', '--format', 'json'], root);
    const picture = JSON.parse(result.stdout) as { setting: string; layers: Array<{ index: number; label: string; origin: { kind: string } }> };
    expect(picture.setting).toBe('MIDDLEWARE');
    expect(picture.layers.map((l) => `${l.index} ${l.label} ${l.origin.kind}`)).toEqual([
      ...BASE_LAYERS.map((l, i) => `${i + 1} ${l} built-in`),
      '7 Timing project',
    ]);
    const text = await run(['stack', 'proj/settings/dev.py', '--no-color'], root);
    expect(text.stdout).toContain('Timing');
    expect(text.stdout).toContain('SecurityMiddleware');
  });

  it('a package the knowledge base describes is external (its package named), not a Django built-in', async () => {
    const root = project({
      ...DJANGO_PROJECT,
      'proj/settings/dev.py': 'from .base import *  # noqa: F403\n\nMIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"] + MIDDLEWARE\n',
    });
    const result = await run(['stack', 'proj/settings/dev.py', '--format', 'json'], root);
    const picture = JSON.parse(result.stdout) as { layers: Array<{ label: string; origin: { kind: string; source?: string } }> };
    expect(picture.layers.slice(0, 2).map((l) => `${l.label} ${l.origin.kind}${l.origin.source ? ` (${l.origin.source})` : ''}`)).toEqual([
      'CorsMiddleware external (corsheaders)',
      `${BASE_LAYERS[0]} built-in`,
    ]);
    const text = await run(['stack', 'proj/settings/dev.py', '--no-color'], root);
    expect(text.stdout).toMatch(/CorsMiddleware +external \(corsheaders\)/);
  });
});

describe('linting Python files from the CLI', () => {
  it('one changed middleware file (as pre-commit passes it) is judged against the settings DJANGO_SETTINGS_MODULE names', async () => {
    const root = project(DJANGO_PROJECT);
    const result = await run(['proj/middleware.py', '--format', 'json'], root);
    const [file] = JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number }> }>;
    expect(file!.messages.map((m) => `${m.ruleId}@${m.line}`)).toEqual(['onion/return-response@7']);
    expect(result.code).toBe(1);
    // Without a settings module listing it, nothing proves the class is middleware: silent.
    const unlisted = project({ ...DJANGO_PROJECT, 'proj/settings/dev.py': 'from .base import *  # noqa: F403\n' });
    const quiet = await run(['proj/middleware.py', '--format', 'json'], unlisted);
    expect((JSON.parse(quiet.stdout) as Array<{ messages: unknown[] }>)[0]!.messages).toEqual([]);
  });

  it('--stdin-filename x.py lints the text as Python', async () => {
    const root = project(DJANGO_PROJECT);
    const stdin = `class Stamp:\n    def __init__(self, get_response):\n        self.get_response = get_response\n\n    def __call__(self, request):\n        response = self.get_response(request)\n        response["X-Stamp"] = "1"\n`;
    const result = await run(['--stdin', '--stdin-filename', 'proj/stamp.py', '--format', 'json'], root, { stdin });
    const [file] = JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number }> }>;
    expect(file!.filePath).toBe(join(root, 'proj/stamp.py'));
    expect(file!.messages.map((m) => `${m.ruleId}@${m.line}`)).toEqual(['onion/return-response@7']);
  });

  it('a folder walk lints .py beside .ts, and reports a settings entry that names no module', async () => {
    const root = project({
      ...DJANGO_PROJECT,
      'proj/settings/dev.py': 'from .base import *  # noqa: F403\n\nMIDDLEWARE += ["proj.middlewares.Timing"]\n',
      'web/timing.ts': 'export class Timing {\n  constructor(getResponse) {\n    this.getResponse = getResponse;\n  }\n  call(request) {\n    const response = this.getResponse(request);\n  }\n}\n',
    });
    const result = await run(['.', '--format', 'json'], root);
    const files = JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number; message: string }> }>;
    const reports = files.flatMap((f) => f.messages.map((m) => `${f.filePath.slice(root.length + 1)}:${m.ruleId}@${m.line}`));
    expect(reports).toEqual(['proj/settings/dev.py:onion/resolvable-middleware@3', 'web/timing.ts:onion/return-response@7']);
    const message = files.flatMap((f) => f.messages).find((m) => m.ruleId === 'onion/resolvable-middleware')!.message;
    expect(message).toContain("ModuleNotFoundError: No module named 'proj.middlewares'");
    expect(message).toContain('Did you mean `proj.middleware`?');
  });
});

describe('settings discovery', () => {
  it('DJANGO_SETTINGS_MODULE from manage.py, wsgi.py, asgi.py, pytest.ini, pyproject.toml, setup.cfg and tox.ini', () => {
    const root = project({
      'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.dev")\n',
      'proj/wsgi.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.prod')\n",
      'proj/asgi.py': 'import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings.asgi"\n',
      'pytest.ini': '[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings.test\n',
      'pyproject.toml': '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "proj.settings.pyproject"\n',
      'setup.cfg': '[metadata]\nname = x\n\n[tool:pytest]\nDJANGO_SETTINGS_MODULE = proj.settings.cfg\n',
      'tox.ini': '[tox]\nenvlist = py312\n\n[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings.tox\n',
    });
    expect(settingsModuleNames(root)).toEqual([
      'proj.settings.dev',
      'proj.settings.asgi',
      'proj.settings.prod',
      'proj.settings.test',
      'proj.settings.pyproject',
      'proj.settings.cfg',
      'proj.settings.tox',
    ]);
  });

  it('named modules resolve to files (a package\'s __init__.py too); without any, the settings modules assigning MIDDLEWARE', () => {
    const named = project({ ...DJANGO_PROJECT, 'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n', 'proj/settings/__init__.py': 'MIDDLEWARE = []\n' });
    expect(pythonSettingsFiles(named)).toEqual([join(named, 'proj/settings/__init__.py')]);
    // A package whose __init__.py only star-imports: the modules beside it that hold the list.
    const starred = project({ ...DJANGO_PROJECT, 'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n', 'proj/settings/__init__.py': 'from .dev import *  # noqa\n' });
    expect(pythonSettingsFiles(starred)).toEqual([join(starred, 'proj/settings/base.py'), join(starred, 'proj/settings/dev.py')]);
    const unnamed = project({ ...DJANGO_PROJECT, 'manage.py': '' });
    expect(pythonSettingsFiles(unnamed)).toEqual([join(unnamed, 'proj/settings/base.py'), join(unnamed, 'proj/settings/dev.py')]);
  });
});

describe('a Python file outside a Django project', () => {
  it('has no settings to look for: the run does not walk the folders above it', async () => {
    const root = project({ 'lib/timing.py': TIMING });
    const started = Date.now();
    const result = await run(['lib/timing.py', '--format', 'json'], root);
    expect((JSON.parse(result.stdout) as Array<{ messages: unknown[] }>)[0]!.messages).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
