// Python input that is broken or unusual, through lint() and through the CLI: a file Python 3
// would not compile is one fatal message at its first error while the other files of the run are
// still linted; tabs, CRLF, a BOM, a coding line, a 5 MB file, deep nesting and an empty file never
// crash, and every report lands on the right token (line and column checked).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint } from '../src/engine.js';
import { ensurePythonParser } from '../src/frontends/python/index.js';
import { project, run } from './cli/run.js';

beforeAll(async () => {
  await ensurePythonParser();
});

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const AUTH = 'django.contrib.auth.middleware.AuthenticationMiddleware';
const SES = 'django.contrib.sessions.middleware.SessionMiddleware';

/** A settings module with one ordering mistake (auth above sessions), its AUTH entry on line 3. */
const SETTINGS = `DEBUG = False\nMIDDLEWARE = [\n    "${AUTH}",\n    "${SES}",\n]\n`;
/** A middleware whose `__call__` falls off its end (reported at the last character of its last statement, 7:34). */
const TIMING = `class Timing:\n    def __init__(self, get_response):\n        self.get_response = get_response\n\n    def __call__(self, request):\n        response = self.get_response(request)\n        response["X-Timing"] = "1"\n`;

/** `ruleId line:column` (ESLint's 1-based columns; `fatal` for a parse error, with its message). */
type Report = string;

/** Line and column (both 1-based) of a UTF-16 offset, counting a CR LF or a lone CR as one line end, as ESLint does. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  // ESLint strips a leading BOM before computing columns.
  const last = lines.length === 1 ? lines[0]!.replace(/^\uFEFF/, '') : lines[lines.length - 1]!;
  return `${lines.length}:${last.length + 1}`;
}

/** Every report of a run through lint(), file by file (by name). */
function throughLint(files: Record<string, string>): Record<string, Report[]> {
  const inputs = Object.entries(files).map(([name, text]) => ({ path: `/proj/${name}`, text }));
  const results = lint(inputs, { config: defaultConfig() });
  const out: Record<string, Report[]> = {};
  for (const result of results) {
    const name = result.filePath.slice('/proj/'.length);
    const text = files[name]!;
    out[name] = result.diagnostics.map((d) => `${d.fatal ? `fatal ${d.message}` : d.ruleId} ${position(text, d.range.start)}`);
  }
  return out;
}

interface JsonResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; message: string; line: number; column: number; fatal?: boolean }>;
}

/** Every report of a CLI run (`--format json`) over the files written to a new folder. */
async function throughCli(files: Record<string, string>): Promise<{ code: number; reports: Record<string, Report[]> }> {
  const root = project(files);
  roots.push(root);
  const result = await run(['--format', 'json', '.'], root);
  expect(result.stderr).toBe('');
  const reports: Record<string, Report[]> = {};
  for (const file of JSON.parse(result.stdout) as JsonResult[]) {
    reports[file.filePath.slice(root.length + 1)] = file.messages.map((m) => `${m.fatal ? `fatal ${m.message}` : m.ruleId} ${m.line}:${m.column}`);
  }
  return { code: result.code, reports };
}

/** Checks both ways: lint() and the CLI give the same, expected reports. */
async function expectReports(files: Record<string, string>, expected: Record<string, Report[]>): Promise<void> {
  expect(throughLint(files)).toEqual(expected);
  const cli = await throughCli(files);
  expect(cli.reports).toEqual(expected);
  expect(cli.code).toBe(Object.values(expected).some((r) => r.length) ? 1 : 0);
}

const ORDER = 'onion/middleware-order';
const RETURN = 'onion/return-response';

describe('a file Python 3 would not compile: one fatal message at its first error; the rest of the run is linted', () => {
  it('a syntax error', async () => {
    await expectReports(
      { 'settings.py': SETTINGS, 'timing.py': TIMING, 'broken.py': `import os\n\ndef f(:\n    pass\nx = (\n` },
      {
        'broken.py': ["fatal Parsing error: invalid syntax: expected ')' 3:7"],
        'settings.py': [`${ORDER} 3:5`],
        'timing.py': [`${RETURN} 7:34`],
      },
    );
  });

  it('Python 2 code: print statements and `except E, e:` (the first of them only)', async () => {
    const py2 = `import sys\n\ntry:\n    import json\nexcept ImportError, e:\n    json = None\n\nprint "loaded"\n`;
    await expectReports(
      { 'legacy.py': py2, 'settings.py': SETTINGS },
      {
        'legacy.py': ['fatal Parsing error: multiple exception types must be parenthesized (`except E, e:` is Python 2 syntax; use `except E as e:`) 5:1'],
        'settings.py': [`${ORDER} 3:5`],
      },
    );
    await expectReports(
      { 'legacy.py': `print "loaded"\nprint >>sys.stderr, "x"\n`, 'timing.py': TIMING },
      { 'legacy.py': ["fatal Parsing error: Missing parentheses in call to 'print'. Did you mean print(...)? (Python 2 syntax) 1:1"], 'timing.py': [`${RETURN} 7:34`] },
    );
  });

  it('a Jinja-templated settings file: the template tag, never a guessed stack', async () => {
    const template = `MIDDLEWARE = [\n    "${AUTH}",\n{% if use_sessions %}\n    "${SES}",\n{% endif %}\n]\n`;
    await expectReports(
      { 'settings.py': template, 'timing.py': TIMING },
      {
        'settings.py': ['fatal Parsing error: invalid syntax: `{%` is template syntax, not Python (a templated file cannot be linted) 3:1'],
        'timing.py': [`${RETURN} 7:34`],
      },
    );
  });
});

describe('unusual but valid input: never a crash, reports on the right token', () => {
  it('tabs for indentation', async () => {
    const tabs = (text: string) => text.replace(/^( {4})+/gm, (m) => '\t'.repeat(m.length / 4));
    await expectReports({ 'settings.py': tabs(SETTINGS), 'timing.py': tabs(TIMING) }, { 'settings.py': [`${ORDER} 3:2`], 'timing.py': [`${RETURN} 7:28`] });
  });

  it('CRLF line ends, and a file that mixes CRLF and LF', async () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const mixed = (text: string) => text.split('\n').map((line, i) => (i % 2 ? `${line}\r` : line)).join('\n');
    await expectReports({ 'settings.py': crlf(SETTINGS), 'timing.py': crlf(TIMING) }, { 'settings.py': [`${ORDER} 3:5`], 'timing.py': [`${RETURN} 7:34`] });
    await expectReports({ 'settings.py': mixed(SETTINGS), 'timing.py': mixed(TIMING) }, { 'settings.py': [`${ORDER} 3:5`], 'timing.py': [`${RETURN} 7:34`] });
  });

  it('a BOM, on a file whose first line holds the report', async () => {
    const oneLine = `\uFEFFMIDDLEWARE = ["${AUTH}", "${SES}"]\n`;
    await expectReports({ 'settings.py': oneLine, 'timing.py': `\uFEFF${TIMING}` }, { 'settings.py': [`${ORDER} 1:15`], 'timing.py': [`${RETURN} 7:34`] });
  });

  it('a PEP 263 coding line (utf-8 and latin-1 spellings) before non-ASCII text', async () => {
    const coded = `# -*- coding: utf-8 -*-\n# Réglages — 設定\n${SETTINGS}`;
    const latin = `#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\n${TIMING}`;
    await expectReports({ 'settings.py': coded, 'timing.py': latin }, { 'settings.py': [`${ORDER} 5:5`], 'timing.py': [`${RETURN} 9:34`] });
  });

  it('an empty file, one of whitespace, one of comments', async () => {
    await expectReports({ 'empty.py': '', 'blank.py': '\n\n  \n', 'notes.py': '# nothing here\n', 'settings.py': SETTINGS }, { 'empty.py': [], 'blank.py': [], 'notes.py': [], 'settings.py': [`${ORDER} 3:5`] });
  });

  it('5,000 nested brackets: valid ones lint clean, an unclosed one is one fatal message where it opens', async () => {
    const deep = `X = ${'['.repeat(5000)}${']'.repeat(5000)}\nY = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`;
    await expectReports({ 'deep.py': deep, 'open.py': `\nX = ${'['.repeat(5000)}\n`, 'settings.py': SETTINGS }, {
      'deep.py': [],
      'open.py': ["fatal Parsing error: '[' was never closed 2:5004"],
      'settings.py': [`${ORDER} 3:5`],
    });
  });

  it('a 5 MB settings module: the report after 5 MB of other settings is on its line', { timeout: 240_000 }, async () => {
    const filler = 'CACHE_TIMEOUT_%d = {"default": [1, 2, 3], "name": "value with some length to it"}  # padding\n';
    let body = '';
    let lines = 0;
    for (; body.length < 5_000_000; lines++) body += filler.replace('%d', String(lines));
    const big = `${body}${SETTINGS}`;
    expect(big.length).toBeGreaterThan(5_000_000);
    await expectReports({ 'settings.py': big }, { 'settings.py': [`${ORDER} ${lines + 3}:5`] });
  });
});

describe('the CLI with one broken file among others', () => {
  it('lints the others, exits 1, and counts one fatal error', async () => {
    const root = project({ 'app/settings.py': SETTINGS, 'app/broken.py': 'def f(:\n', 'app/ok.py': 'X = 1\n' });
    roots.push(root);
    const result = await run(['.'], root);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('app/broken.py');
    expect(result.stdout).toContain('app/settings.py');
    expect(result.stdout).not.toContain('app/ok.py');
    expect(result.stdout).toMatch(/✖ 2 problems \(2 errors, 0 warnings\)/);
  });
});
