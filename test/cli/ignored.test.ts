import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORRECT, FORGOT_RETURN, project, run } from './run.js';

const jsonOf = (stdout: string) => JSON.parse(stdout) as Array<{ filePath: string; messages: Array<Record<string, unknown>>; errorCount: number; warningCount: number }>;

const IGNORED_WARNING = 'File ignored because of a matching ignore pattern. Use "--no-ignore" to disable file ignore settings or use "--no-warn-ignored" to suppress this warning.';

/** A repository (its root marked by .git) whose .gitignore excludes generated/. */
const repository = (extra: Record<string, string> = {}) =>
  project({ '.git/HEAD': 'ref: refs/heads/main\n', '.gitignore': 'generated/\n', 'src/ok.ts': CORRECT, 'generated/mw.ts': FORGOT_RETURN, 'generated/more/mw2.js': FORGOT_RETURN, ...extra });

describe('CLI: a path whose files are all ignored is an error', () => {
  it('a folder excluded by a .gitignore above it: exit 2 naming the path', async () => {
    const root = repository();
    expect(await run(['generated'], root)).toEqual({ code: 2, stdout: '', stderr: "onionlint: All files matched by 'generated' are ignored.\n" });
    // Run from inside the ignored folder, as a CI step pointed at the wrong folder would.
    expect(await run([], join(root, 'generated'))).toEqual({ code: 2, stdout: '', stderr: "onionlint: All files matched by '.' are ignored.\n" });
    expect(await run(['.'], join(root, 'generated', 'more'))).toEqual({ code: 2, stdout: '', stderr: "onionlint: All files matched by '.' are ignored.\n" });
  });

  it('a folder excluded by --ignore-pattern or by the configuration\'s ignorePatterns', async () => {
    const root = project({ 'src/ok.ts': CORRECT, 'legacy/old.ts': FORGOT_RETURN, 'vendor/v.js': FORGOT_RETURN, 'onionlint.config.json': JSON.stringify({ ignorePatterns: ['legacy/'] }) });
    expect(await run(['--ignore-pattern', 'vendor/**', 'vendor'], root)).toEqual({ code: 2, stdout: '', stderr: "onionlint: All files matched by 'vendor' are ignored.\n" });
    expect(await run(['legacy'], root)).toEqual({ code: 2, stdout: '', stderr: "onionlint: All files matched by 'legacy' are ignored.\n" });
    expect(await run(['--ignore-pattern', '*.ts', 'src'], root)).toEqual({ code: 2, stdout: '', stderr: "onionlint: All files matched by 'src' are ignored.\n" });
  });

  it('a folder that holds no JavaScript or TypeScript at all: "No files matching"', async () => {
    const root = project({ 'docs/guide.md': '# guide\n', 'docs/notes.txt': 'x\n', 'src/ok.ts': CORRECT });
    expect(await run(['docs'], root)).toEqual({ code: 2, stdout: '', stderr: 'onionlint: No files matching the pattern "docs" were found.\n' });
    expect(await run([], join(root, 'docs'))).toEqual({ code: 2, stdout: '', stderr: 'onionlint: No files matching the pattern "." were found.\n' });
    // Source files that are only ignored still make it an "ignored" error, not a "no files" one.
    const mixed = project({ '.git/HEAD': '', '.gitignore': '*.js\n', 'site/page.md': '# p\n', 'site/bundle.js': FORGOT_RETURN });
    expect((await run(['site'], mixed)).stderr).toBe("onionlint: All files matched by 'site' are ignored.\n");
  });

  it('one good folder and one all-ignored folder: still exit 2, nothing linted (as ESLint)', async () => {
    const root = repository({ 'src/bad.ts': FORGOT_RETURN });
    expect(await run(['src', 'generated'], root)).toEqual({ code: 2, stdout: '', stderr: "onionlint: All files matched by 'generated' are ignored.\n" });
    const r = await run(['generated', 'src', 'missing', 'docs'], repository({ 'docs/a.md': '# a\n' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(["onionlint: All files matched by 'generated' are ignored.", 'No such file or directory: "missing".', 'No files matching the pattern "docs" were found.', ''].join('\n'));
  });

  it('--no-ignore lints the ignored files', async () => {
    const root = repository();
    const folder = await run(['-f', 'json', '--no-ignore', 'generated'], root);
    expect(folder.code).toBe(1);
    expect(jsonOf(folder.stdout).map((f) => [f.filePath.slice(root.length + 1), f.messages.map((m) => m.ruleId)])).toEqual([
      ['generated/more/mw2.js', ['onion/return-response']],
      ['generated/mw.ts', ['onion/return-response']],
    ]);
    const file = await run(['-f', 'json', '--no-ignore', '--ignore-pattern', 'generated/**', 'generated/mw.ts'], root);
    expect(file.code).toBe(1);
    expect(jsonOf(file.stdout)[0]!.messages.map((m) => m.ruleId)).toEqual(['onion/return-response']);
  });

  it('--no-error-on-unmatched-pattern skips such paths silently; the exit code follows the other results', async () => {
    const root = repository({ 'src/bad.ts': FORGOT_RETURN, 'docs/a.md': '# a\n' });
    expect(await run(['--no-error-on-unmatched-pattern', 'generated', 'docs', 'missing'], root)).toEqual({ code: 0, stdout: '', stderr: '' });
    const mixed = await run(['-f', 'json', '--no-error-on-unmatched-pattern', 'generated', 'src'], root);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toBe('');
    expect(jsonOf(mixed.stdout).map((f) => f.filePath.slice(root.length + 1))).toEqual(['src/bad.ts', 'src/ok.ts']);
  });
});

describe('CLI: a named file that is ignored gets a warning', () => {
  it('is not linted; one warning without a rule says why (exit 0; --max-warnings 0 exits 1)', async () => {
    const root = repository();
    const r = await run(['-f', 'json', 'generated/mw.ts'], root);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(jsonOf(r.stdout)).toEqual([
      {
        filePath: join(root, 'generated', 'mw.ts'),
        messages: [{ ruleId: null, severity: 1, message: IGNORED_WARNING, line: 1, column: 1, endLine: 1, endColumn: 1 }],
        errorCount: 0,
        warningCount: 1,
        fatalErrorCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
      },
    ]);
    const strict = await run(['--max-warnings', '0', 'generated/mw.ts'], root);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe('onionlint found too many warnings (maximum: 0).\n');
    const patterned = await run(['-f', 'json', '--ignore-pattern', '*.ts', 'src/ok.ts'], root);
    expect(jsonOf(patterned.stdout)[0]!.messages.map((m) => m.message)).toEqual([IGNORED_WARNING]);
  });

  it('sits among the other results in path order, and errors elsewhere still exit 1', async () => {
    const root = repository({ 'src/bad.ts': FORGOT_RETURN });
    const r = await run(['-f', 'json', 'src/ok.ts', 'src/bad.ts', 'generated/mw.ts'], root);
    expect(r.code).toBe(1);
    expect(jsonOf(r.stdout).map((f) => [f.filePath.slice(root.length + 1), f.messages.map((m) => m.ruleId ?? m.message)])).toEqual([
      ['generated/mw.ts', [IGNORED_WARNING]],
      ['src/bad.ts', ['onion/return-response']],
      ['src/ok.ts', []],
    ]);
  });

  it('appears in every output format as a message with no rule', async () => {
    const root = repository();
    const stylish = await run(['generated/mw.ts'], root);
    expect(stylish.stdout).toBe(`\ngenerated/mw.ts\n  1:1  warning  ${IGNORED_WARNING}\n\n✖ 1 problem (0 errors, 1 warning)\n`);
    const compact = await run(['-f', 'compact', 'generated/mw.ts'], root);
    expect(compact.stdout).toBe(`${join(root, 'generated', 'mw.ts')}: line 1, col 1, Warning - ${IGNORED_WARNING}\n\n1 problem\n`);
    const github = await run(['-f', 'github', 'generated/mw.ts'], root);
    expect(github.stdout).toBe(`::warning file=generated/mw.ts,line=1,col=1,endLine=1,endColumn=1,title=onionlint::${IGNORED_WARNING}\n`);
    const sarif = JSON.parse((await run(['-f', 'sarif', 'generated/mw.ts'], root)).stdout);
    expect(sarif.runs[0].results).toEqual([]);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications).toEqual([
      { level: 'warning', message: { text: IGNORED_WARNING }, locations: [{ physicalLocation: { artifactLocation: { uri: 'generated/mw.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } } }] },
    ]);
    for (const format of ['stylish', 'json', 'compact', 'github', 'sarif']) expect((await run(['-f', format, 'generated/mw.ts'], root)).code, format).toBe(0);
  });

  it('--no-warn-ignored and --quiet drop the warning', async () => {
    const root = repository();
    expect(await run(['--no-warn-ignored', 'generated/mw.ts'], root)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['--no-warn-ignored', '--max-warnings', '0', 'generated/mw.ts'], root)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['--quiet', 'generated/mw.ts'], root)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--stdin-filename naming an ignored file: the warning, not the text\'s reports', async () => {
    const root = repository();
    const r = await run(['-f', 'json', '--stdin', '--stdin-filename', 'generated/mw.ts'], root, { stdin: FORGOT_RETURN });
    expect(r.code).toBe(0);
    expect(jsonOf(r.stdout)).toMatchObject([{ filePath: join(root, 'generated', 'mw.ts'), warningCount: 1, messages: [{ ruleId: null, message: IGNORED_WARNING }] }]);
    expect(await run(['--stdin', '--no-warn-ignored', '--stdin-filename', 'generated/mw.ts'], root, { stdin: FORGOT_RETURN })).toEqual({ code: 0, stdout: '', stderr: '' });
    const unignored = await run(['-f', 'json', '--no-ignore', '--stdin', '--stdin-filename', 'generated/mw.ts'], root, { stdin: FORGOT_RETURN });
    expect(unignored.code).toBe(1);
    expect(jsonOf(unignored.stdout)[0]!.messages.map((m) => m.ruleId)).toEqual(['onion/return-response']);
  });

  it('pre-commit and lint-staged pass the staged names, ignored ones included: a warning, never an error', async () => {
    const root = repository({ 'src/bad.ts': FORGOT_RETURN });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('add', '-f', 'generated/mw.ts'); // a generated file committed on purpose
    const staged = git('diff', '--cached', '--name-only').split('\n').filter((f) => /\.(ts|js)$/.test(f));
    expect(staged).toEqual(['generated/mw.ts', 'src/bad.ts', 'src/ok.ts']);
    const failing = await run(staged, root);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('onion/return-response');
    expect(failing.stdout).toContain(IGNORED_WARNING);
    const onlyIgnored = await run(['generated/mw.ts', 'src/ok.ts'], root);
    expect(onlyIgnored.code).toBe(0);
    expect((await run(['--max-warnings', '0', 'generated/mw.ts', 'src/ok.ts'], root)).code).toBe(1);
    expect((await run(['--max-warnings', '0', '--no-warn-ignored', 'generated/mw.ts', 'src/ok.ts'], root)).code).toBe(0);
  });
});
