import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

/** Runs a hook as pre-commit does: its entry, with the staged files that match `files` appended. */
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

  it('declares a checking hook and a fixing hook for every source extension', () => {
    expect([check!.id, fix!.id]).toEqual(['onionlint', 'onionlint-fix']);
    for (const ext of ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs']) expect(check!.files.test(`src/a.${ext}`)).toBe(true);
    expect(check!.files.test('README.md')).toBe(false);
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
