import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORRECT, DROPPED, FORGOT_RETURN, project, run } from './run.js';

const jsonOf = (stdout: string) => JSON.parse(stdout) as Array<{ filePath: string; messages: Array<Record<string, unknown>>; errorCount: number; warningCount: number; fixableErrorCount: number; output?: string }>;

describe('CLI: files and folders', () => {
  it('walks folders honouring nested .gitignore files and never enters node_modules', async () => {
    const root = project({
      '.gitignore': 'build/\n',
      'src/a.ts': FORGOT_RETURN,
      'src/gen/.gitignore': 'skip.ts\n',
      'src/gen/skip.ts': FORGOT_RETURN,
      'src/gen/keep.ts': FORGOT_RETURN,
      'build/out.js': FORGOT_RETURN,
      'node_modules/pkg/index.js': FORGOT_RETURN,
      'README.md': '# not source',
    });
    const r = await run(['-f', 'json', '.'], root);
    expect(r.code).toBe(1);
    expect(jsonOf(r.stdout).map((f) => f.filePath.slice(root.length + 1)).sort()).toEqual(['src/a.ts', 'src/gen/keep.ts']);
    const all = await run(['-f', 'json', '--no-ignore', '.'], root);
    expect(jsonOf(all.stdout).map((f) => f.filePath.slice(root.length + 1)).sort()).toEqual(['build/out.js', 'src/a.ts', 'src/gen/keep.ts', 'src/gen/skip.ts']);
    const patterned = await run(['-f', 'json', '--ignore-pattern', 'src/gen/**', '.'], root);
    expect(jsonOf(patterned.stdout).map((f) => f.filePath.slice(root.length + 1))).toEqual(['src/a.ts']);
  });

  it('takes any mix of files and folders, relative or absolute, and skips non-source files quietly', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'lib/b.js': CORRECT, 'notes.txt': 'x' });
    const r = await run(['-f', 'json', join(root, 'a.ts'), 'lib', 'notes.txt'], root);
    expect(jsonOf(r.stdout).map((f) => [f.filePath.slice(root.length + 1), f.errorCount])).toEqual([
      ['a.ts', 1],
      ['lib/b.js', 0],
    ]);
  });

  it('does not follow symbolic links inside folders (no loops, nothing outside the project)', async () => {
    const outside = project({ 'evil.ts': FORGOT_RETURN });
    const root = project({ 'src/a.ts': CORRECT });
    symlinkSync(root, join(root, 'src', 'loop'));
    symlinkSync(join(outside, 'evil.ts'), join(root, 'src', 'evil.ts'));
    const r = await run(['-f', 'json', '.'], root);
    expect(r.code).toBe(0);
    expect(jsonOf(r.stdout).map((f) => f.filePath.slice(root.length + 1))).toEqual(['src/a.ts']);
  });

  it('a path that does not exist is a usage error (exit 2) naming it', async () => {
    const root = project({ 'a.ts': CORRECT });
    const r = await run(['a.ts', 'missing/dir'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('onionlint: No such file or directory: "missing/dir".\n');
    expect(r.stdout).toBe('');
  });

  it('a file that cannot be read gets one fatal message; the others are still linted', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'bin.js': '' });
    writeFileSync(join(root, 'bin.js'), Buffer.from([0x63, 0x00, 0x01, 0x02, 0x00]));
    const r = await run(['-f', 'json', '.'], root);
    const files = jsonOf(r.stdout);
    expect(files.map((f) => [f.filePath.slice(root.length + 1), f.messages.map((m) => m.ruleId ?? m.message)])).toEqual([
      ['a.ts', ['onion/return-response']],
      ['bin.js', ['The file looks binary (it contains NUL bytes); not linted.']],
    ]);
    expect(files[1]!.messages[0]).toMatchObject({ fatal: true, severity: 2, line: 1, column: 1 });
  });

  it('a syntax error is reported for that file alone', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'broken.ts': 'export class {\n' });
    const r = await run(['-f', 'json', '.'], root);
    const broken = jsonOf(r.stdout).find((f) => f.filePath.endsWith('broken.ts'))!;
    expect(broken.messages).toHaveLength(1);
    expect(broken.messages[0]).toMatchObject({ ruleId: null, fatal: true, severity: 2 });
    expect(String(broken.messages[0]!.message)).toMatch(/^Parsing error: /);
    expect(jsonOf(r.stdout).find((f) => f.filePath.endsWith('a.ts'))!.errorCount).toBe(1);
  });
});

describe('CLI: output formats and exit codes', () => {
  it('json follows ESLint\'s results format', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'b.ts': CORRECT });
    const r = await run(['--format', 'json', '.'], root);
    expect(r.code).toBe(1);
    const [a, b] = jsonOf(r.stdout);
    expect(a).toEqual({
      filePath: join(root, 'a.ts'),
      messages: [
        {
          ruleId: 'onion/return-response',
          severity: 2,
          message: expect.stringContaining('`PoweredBy.call` can reach its end without returning a response'),
          messageId: 'fallsOffEnd',
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 4,
          fix: { range: [FORGOT_RETURN.indexOf('  }\n}'), FORGOT_RETURN.indexOf('  }\n}')], text: '    return response;\n' },
        },
      ],
      errorCount: 1,
      warningCount: 0,
      fatalErrorCount: 0,
      fixableErrorCount: 1,
      fixableWarningCount: 0,
    });
    expect(b).toMatchObject({ filePath: join(root, 'b.ts'), messages: [], errorCount: 0 });
  });

  it('stylish shows position, severity, message, rule, a code frame and the summary', async () => {
    const root = project({ 'src/a.ts': FORGOT_RETURN });
    const r = await run(['src'], root);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toBe('src/a.ts');
    expect(lines[2]).toMatch(/^ {2}8:3 {2}error {2}`PoweredBy\.call` can reach its end .* onion\/return-response$/);
    expect(r.stdout).toContain("      7 |     response.headers['X-Powered-By'] = 'onion';\n    > 8 |   }\n        |   ^\n      9 | }\n");
    expect(r.stdout).toContain('✖ 1 problem (1 error, 0 warnings)\n  1 error and 0 warnings potentially fixable with the `--fix` option.\n');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('clean code prints nothing and exits 0; warnings alone exit 0', async () => {
    const clean = await run(['.'], project({ 'a.ts': CORRECT }));
    expect(clean).toEqual({ code: 0, stdout: '', stderr: '' });
    const warned = await run(['.'], project({ 'a.ts': DROPPED }));
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('warning');
    expect(warned.stdout).toContain('onion/no-discarded-response');
  });

  it('--max-warnings turns too many warnings into exit 1; --quiet hides warnings', async () => {
    const root = project({ 'a.ts': DROPPED });
    const strict = await run(['--max-warnings', '0', '.'], root);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe('onionlint found too many warnings (maximum: 0).\n');
    expect((await run(['--max-warnings', '1', '.'], root)).code).toBe(0);
    const quiet = await run(['--quiet', '.'], root);
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--rule changes one rule\'s severity; a bad --rule is a usage error', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN });
    const warn = await run(['-f', 'json', '--rule', 'return-response:warn', '.'], root);
    expect(warn.code).toBe(0);
    expect(jsonOf(warn.stdout)[0]!.messages[0]).toMatchObject({ ruleId: 'onion/return-response', severity: 1 });
    const off = await run(['-f', 'json', '--rule', 'onion/return-response:off', '.'], root);
    expect(jsonOf(off.stdout)[0]!.messages).toEqual([]);
    const bad = await run(['--rule', 'return-respons:warn', '.'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown rule "return-respons"/);
  });

  it('colours follow --no-color, NO_COLOR and FORCE_COLOR', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN });
    expect((await run(['.'], root, { env: { FORCE_COLOR: '1' } })).stdout).toMatch(/\x1b\[/);
    expect((await run(['.'], root, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toMatch(/\x1b\[/);
    expect((await run(['--no-color', '.'], root, { tty: true })).stdout).not.toMatch(/\x1b\[/);
    expect((await run(['.'], root, { tty: true })).stdout).toMatch(/\x1b\[/);
  });

  it('bad flags are usage errors (exit 2)', async () => {
    const root = project({ 'a.ts': CORRECT });
    const format = await run(['-f', 'xml', '.'], root);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format must be one of: .*stylish.*json/);
    expect((await run(['--concurrency', 'lots', '.'], root)).code).toBe(2);
    expect((await run(['--bogus'], root)).code).toBe(2);
  });

  it('--version, --help, rules and explain', async () => {
    const root = project({});
    const version = await run(['--version'], root);
    expect(version).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version}\n` });
    const help = await run(['lint', '--help'], root);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--fix');
    const rules = await run(['rules'], root);
    expect(rules.stdout).toMatch(/^onion\/return-response\s+error\s+fixable\s+Every exit/m);
    const explain = await run(['explain', 'onion/call-next'], root);
    expect(explain.stdout).toBe(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rules', 'call-next.md'), 'utf8'));
    const unknown = await run(['explain', 'nope'], root);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown rule "nope"/);
  });

  it('--stdin lints standard input under --stdin-filename', async () => {
    const root = project({});
    const r = await run(['--stdin', '--stdin-filename', 'mw.js', '-f', 'json'], root, { stdin: FORGOT_RETURN });
    expect(r.code).toBe(1);
    expect(jsonOf(r.stdout)).toMatchObject([{ filePath: join(root, 'mw.js'), errorCount: 1 }]);
  });
});

describe('CLI: --fix', () => {
  it('writes fixes in place, keeps a byte-order mark, and the fixed files lint clean', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'b.ts': `\uFEFF${FORGOT_RETURN}` });
    const fixed = await run(['--fix', '.'], root);
    expect(fixed).toEqual({ code: 0, stdout: '', stderr: '' });
    const a = readFileSync(join(root, 'a.ts'), 'utf8');
    expect(a).toBe(FORGOT_RETURN.replace("'onion';\n  }", "'onion';\n    return response;\n  }"));
    expect(readFileSync(join(root, 'b.ts'), 'utf8')).toBe(`\uFEFF${a}`);
    expect(await run(['.'], root)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--fix-dry-run reports the output without writing', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN });
    const r = await run(['--fix-dry-run', '-f', 'json', '.'], root);
    expect(r.code).toBe(0);
    const [a] = jsonOf(r.stdout);
    expect(a!.output).toContain('    return response;\n  }');
    expect(a!.messages).toEqual([]);
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe(FORGOT_RETURN);
  });

  it('the facts cache gives the same results and is written where asked', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'b.ts': CORRECT });
    const first = await run(['-f', 'json', '--cache', '--cache-location', '.cache/facts.json', '.'], root);
    expect(existsSync(join(root, '.cache', 'facts.json'))).toBe(true);
    const second = await run(['-f', 'json', '--cache', '--cache-location', '.cache/facts.json', '.'], root);
    expect(second).toEqual(first);
    mkdirSync(join(root, 'node_modules'));
    await run(['--cache', '.'], root);
    expect(existsSync(join(root, 'node_modules', '.cache', 'onionlint', 'facts.json'))).toBe(true);
  });
});

describe('CLI: a subset of a project', () => {
  const files = {
    'package.json': '{"private":true}',
    'app/wrapper.ts': 'export class Wrapper {\n  constructor(inner) {\n    this.inner = inner;\n  }\n  call(request) {\n    this.inner(request);\n  }\n}\n',
    'settings/base.ts': "export const MIDDLEWARE = [\n  'django.contrib.auth.middleware.AuthenticationMiddleware',\n  'app.wrapper.Wrapper',\n];\n",
    'settings/dev.ts': "import { MIDDLEWARE as BASE } from './base';\nexport const MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', ...BASE];\n",
  };
  const reports = (stdout: string) => jsonOf(stdout).flatMap((f) => f.messages.map((m) => `${f.filePath.slice(f.filePath.indexOf('/', f.filePath.indexOf('onion-cli-')) + 1)}:${m.line} ${m.ruleId}`));

  it('linting one middleware file still sees the stack that lists it, and reports only in that file', async () => {
    const root = project(files);
    const whole = await run(['-f', 'json', '.'], root);
    expect(reports(whole.stdout)).toEqual(['app/wrapper.ts:7 onion/return-response']);
    const one = await run(['-f', 'json', 'app/wrapper.ts'], root);
    expect(reports(one.stdout)).toEqual(['app/wrapper.ts:7 onion/return-response']);
  });

  it('linting a base settings file alone knows the module beside it completes it', async () => {
    const root = project(files);
    const base = await run(['-f', 'json', 'settings/base.ts'], root);
    expect(reports(base.stdout)).toEqual([]);
    expect(base.code).toBe(0);
  });
});
