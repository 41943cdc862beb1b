import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { repoRoot } from '../fixture-cases.js';
import { CORRECT, FORGOT_RETURN, project } from './run.js';

interface Hook {
  id: string;
  entry: string;
  files: RegExp;
}

/** The hooks as .pre-commit-hooks.yaml declares them (a flat list of `key: value` maps). */
function hooks(): Hook[] {
  const text = readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8');
  return text
    .split(/^- /m)
    .slice(1)
    .map((block) => {
      const field = (key: string) => new RegExp(`^\\s*${key}: (.*)$`, 'm').exec(block)?.[1]?.trim() ?? '';
      expect(field('language')).toBe('node');
      return { id: field('id'), entry: field('entry'), files: new RegExp(field('files')) };
    });
}

const bin = join(repoRoot, 'dist', 'src', 'cli', 'bin.js');

/** A Django middleware that forgets `return response`. */
const FORGOT_RETURN_PY = [
  'class PoweredByMiddleware:',
  '    def __init__(self, get_response):',
  '        self.get_response = get_response',
  '',
  '    def __call__(self, request):',
  '        response = self.get_response(request)',
  '        response["X-Powered-By"] = "onion"',
  '',
].join('\n');

/**
 * Runs a hook as pre-commit does once it is installed: its entry, with the staged files that match
 * `files` appended. Runs everywhere (CI has no pre-commit); the real tool is tested below.
 */
function runHook(hook: Hook, repo: string) {
  const staged = execFileSync('git', ['diff', '--cached', '--name-only'], { cwd: repo, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && hook.files.test(f));
  const [command, ...args] = hook.entry.split(' ');
  expect(command).toBe('onionlint');
  return spawnSync(process.execPath, [bin, ...args, ...staged], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

function gitRepo(files: Record<string, string>): string {
  const repo = project(files);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  return repo;
}

describe('pre-commit hooks', () => {
  const [check, fix] = hooks();

  it('declares a checking hook and a fixing hook for every source extension, Python included', () => {
    expect([check!.id, fix!.id]).toEqual(['onionlint', 'onionlint-fix']);
    for (const hook of [check!, fix!]) {
      for (const ext of ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'py']) expect(hook.files.test(`src/a.${ext}`)).toBe(true);
      for (const other of ['README.md', 'requirements.txt', 'app/templates/base.html', 'setup.cfg', 'a.pyc']) expect(hook.files.test(other)).toBe(false);
    }
  });

  it('in a Django project: fails on a staged Python mistake, passes once fixed; the fixing hook inserts `return response`', () => {
    const repo = gitRepo({ 'shop/middleware.py': FORGOT_RETURN_PY, 'shop/templates/base.html': '<html></html>' });
    const failing = runHook(check!, repo);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('shop/middleware.py');
    expect(failing.stdout).toContain('onion/return-response');
    const fixed = runHook(fix!, repo);
    expect(fixed.status).toBe(0);
    expect(readFileSync(join(repo, 'shop', 'middleware.py'), 'utf8')).toBe(`${FORGOT_RETURN_PY}        return response\n`);
    execFileSync('git', ['add', '-A'], { cwd: repo });
    const passing = runHook(check!, repo);
    expect({ status: passing.status, stdout: passing.stdout }).toEqual({ status: 0, stdout: '' });
  });

  it('fails on a staged mistake, naming the rule; passes once the file is fixed', () => {
    const repo = gitRepo({ 'src/powered-by.ts': FORGOT_RETURN, 'notes.md': '# not linted' });
    const failing = runHook(check!, repo);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('src/powered-by.ts');
    expect(failing.stdout).toContain('onion/return-response');
    writeFileSync(join(repo, 'src', 'powered-by.ts'), CORRECT);
    execFileSync('git', ['add', '-A'], { cwd: repo });
    const passing = runHook(check!, repo);
    expect({ status: passing.status, stdout: passing.stdout }).toEqual({ status: 0, stdout: '' });
  });

  it('the fixing hook rewrites the staged file with the safe fix', () => {
    const repo = gitRepo({ 'src/powered-by.ts': FORGOT_RETURN });
    const fixed = runHook(fix!, repo);
    expect(fixed.status).toBe(0);
    expect(readFileSync(join(repo, 'src', 'powered-by.ts'), 'utf8')).toContain('    return response;\n  }');
  });
});

/** Skips the running test, with the reason in the report and in the output of a default run. */
function skipIf(ctx: TestContext, condition: boolean, reason: string): void {
  if (!condition) return;
  console.warn(`skipped: ${reason}`);
  ctx.skip(reason);
}

/** `pre-commit --version` of the pre-commit on PATH, or undefined when there is none. */
function preCommitVersion(): string | undefined {
  const probe = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/**
 * The real tool, end to end: pre-commit clones this repository at its committed HEAD, installs
 * it as a `language: node` hook repository (pre-commit 3: npm install + npm pack + npm install -g
 * of the tarball; pre-commit 4: npm install -g git+file://, where npm prepares the git dependency
 * by running `prepare`), then runs the hooks on a git repository with a staged mistake.
 *
 * Never reaches the registry: npm runs with `offline`, so it installs only from the npm cache.
 * Where that cache cannot serve onionlint's dependencies (ENOTCACHED: a new machine whose cache
 * only `npm ci` filled, which stores no registry metadata), the test is skipped and says so.
 * Slow: installing the hook took 40-110 s here (two shared cores), once per run.
 */
describe('the real pre-commit', () => {
  const version = preCommitVersion();

  it('installs the hook from a clone of this repository; fails on the staged mistake, passes once fixed', { timeout: 600_000 }, (ctx) => {
    skipIf(ctx, !version, 'pre-commit is not on PATH (apt-get install pre-commit, or pip install pre-commit)');
    const work = mkdtempSync(join(tmpdir(), 'onion-pre-commit-'));
    const hookRepo = join(work, 'onionlint');
    execFileSync('git', ['clone', '-q', repoRoot, hookRepo], { stdio: 'pipe' });
    const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: hookRepo, encoding: 'utf8' }).trim();
    const config = `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: onionlint\n      - id: onionlint-fix\n`;
    const app = gitRepo({ 'src/powered-by.ts': FORGOT_RETURN, 'shop/middleware.py': FORGOT_RETURN_PY, 'notes.md': '# not linted', '.pre-commit-config.yaml': config });
    const env = { ...process.env, PRE_COMMIT_HOME: join(work, 'pre-commit-home'), npm_config_offline: 'true', NO_COLOR: '1' };
    const preCommit = (...args: string[]) => {
      const r = spawnSync('pre-commit', [...args, '--all-files', '--color', 'never'], { cwd: app, env, encoding: 'utf8' });
      return { status: r.status, output: r.stdout + r.stderr };
    };

    const failing = preCommit('run', 'onionlint');
    skipIf(
      ctx,
      failing.status === 3 && failing.output.includes('ENOTCACHED'),
      `${version}: npm's cache cannot install onionlint's dependencies offline (ENOTCACHED), and the test never reaches the registry`,
    );
    expect(failing.status, failing.output).toBe(1);
    expect(failing.output).toContain('src/powered-by.ts');
    expect(failing.output).toContain('shop/middleware.py');
    expect(failing.output).toContain('onion/return-response');

    const fixing = preCommit('run', 'onionlint-fix');
    expect(fixing.output).toContain('files were modified by this hook');
    expect(readFileSync(join(app, 'src', 'powered-by.ts'), 'utf8')).toContain('    return response;\n  }');
    expect(readFileSync(join(app, 'shop', 'middleware.py'), 'utf8')).toBe(`${FORGOT_RETURN_PY}        return response\n`);

    execFileSync('git', ['add', '-A'], { cwd: app });
    const passing = preCommit('run');
    expect(passing.status, passing.output).toBe(0);
    expect(passing.output).toMatch(/^onionlint\.+Passed$/m);
  });
});
