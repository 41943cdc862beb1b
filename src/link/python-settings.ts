/**
 * Which Django settings modules a project runs, read from its files (never run): the
 * `DJANGO_SETTINGS_MODULE` that `manage.py`, `wsgi.py` and `asgi.py` set
 * (`os.environ.setdefault(...)` or an assignment), and the one pytest-django reads from
 * `pytest.ini` `[pytest]`, `pyproject.toml` `[tool.pytest.ini_options]`, or `setup.cfg` /
 * `tox.ini` (`[tool:pytest]` / `[pytest]`). When none names one: the modules under a `settings`
 * path that assign `MIDDLEWARE`. A named module that does not mention `MIDDLEWARE` (a settings
 * package's `__init__.py` star-importing its modules) stands for the modules beside it that do.
 */
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { globSync } from 'tinyglobby';
import { isFile, readFromDisk as read } from './aliases.js';
import { PythonModules } from './python.js';

/** `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")`, `os.environ["DJANGO_SETTINGS_MODULE"] = "x"`. */
const ENTRY_FILE = /\benviron\s*(?:\.\s*setdefault\s*\(\s*(['"])DJANGO_SETTINGS_MODULE\1\s*,\s*|\[\s*(['"])DJANGO_SETTINGS_MODULE\2\s*\]\s*=\s*)(['"])([\w.]+)\3/g;

/** The folder of the nearest `manage.py` at or above `dir`, else of the nearest `pyproject.toml`. */
export function pythonProjectDir(dir: string): string | undefined {
  let pyproject: string | undefined;
  for (let d = dir; ; d = dirname(d)) {
    if (isFile(join(d, 'manage.py'))) return d;
    if (pyproject === undefined && isFile(join(d, 'pyproject.toml'))) pyproject = d;
    if (dirname(d) === d) return pyproject;
  }
}

/** The value of `key` in an INI section (`[pytest]`, `[tool:pytest]`), when the text has that section. */
function iniValue(text: string, sections: string[], key: string): string | undefined {
  let current: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      current = section[1]!.trim();
      continue;
    }
    if (current === undefined || !sections.includes(current)) continue;
    const m = /^([\w.-]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m && m[1] === key) return m[2]!.trim();
  }
  return undefined;
}

/** The settings modules a project names, as dotted paths, in the order found (entry files first). */
export function settingsModuleNames(projectDir: string): string[] {
  const out: string[] = [];
  const entries = globSync(['manage.py', '*/wsgi.py', '*/asgi.py', 'src/*/wsgi.py', 'src/*/asgi.py', '*/*/wsgi.py', '*/*/asgi.py'], {
    cwd: projectDir,
    absolute: true,
    ignore: ['**/node_modules/**', '**/.venv/**', '**/venv/**'],
  }).sort();
  for (const file of entries) {
    for (const m of (read(file) ?? '').matchAll(ENTRY_FILE)) out.push(m[4]!);
  }
  const pytestIni = read(join(projectDir, 'pytest.ini'));
  const ini = pytestIni && iniValue(pytestIni, ['pytest'], 'DJANGO_SETTINGS_MODULE');
  if (ini) out.push(ini);
  const pyproject = read(join(projectDir, 'pyproject.toml'));
  if (pyproject) {
    try {
      const doc = parseToml(pyproject) as { tool?: { pytest?: { ini_options?: Record<string, unknown> } } };
      const value = doc.tool?.pytest?.ini_options?.DJANGO_SETTINGS_MODULE;
      if (typeof value === 'string') out.push(value);
    } catch {
      // Not TOML: nothing named there.
    }
  }
  for (const name of ['setup.cfg', 'tox.ini']) {
    const text = read(join(projectDir, name));
    const value = text && iniValue(text, ['tool:pytest', 'pytest'], 'DJANGO_SETTINGS_MODULE');
    if (value) out.push(value);
  }
  return [...new Set(out.filter((x) => /^\w+(?:\.\w+)*$/.test(x)))];
}

/**
 * The settings files of the Python project around `dir`: the modules it names (see the module
 * comment), else the `.py` files under a `settings` path that assign `MIDDLEWARE`.
 */
export function pythonSettingsFiles(projectDir: string, configRoots: string[] = []): string[] {
  const modules = new PythonModules(configRoots);
  const from = join(projectDir, 'manage.py');
  const named = settingsModuleNames(projectDir)
    .map((name) => modules.locate(from, name, isFile))
    .filter((p): p is string => p !== undefined);
  if (named.length) {
    // A settings package whose named module only star-imports (`settings/__init__.py`): the modules beside it that hold the list.
    const out = named.flatMap((file) => (/\bMIDDLEWARE\b/.test(read(file) ?? '') ? [file] : globSync('*.py', { cwd: dirname(file), absolute: true }).sort().filter((p) => /\bMIDDLEWARE\b/.test(read(p) ?? ''))));
    return [...new Set(out)];
  }
  return globSync(['**/settings.py', '**/settings/*.py', '**/settings_*.py', '**/*_settings.py'], {
    cwd: projectDir,
    absolute: true,
    ignore: ['**/node_modules/**', '**/.venv/**', '**/venv/**', '**/site-packages/**'],
  })
    .sort()
    .filter((p) => /^\s*MIDDLEWARE\s*(?:\+?=|:)/m.test(read(p) ?? '') || /^\s*MIDDLEWARE\s*\.\s*\w+\(/m.test(read(p) ?? ''));
}
