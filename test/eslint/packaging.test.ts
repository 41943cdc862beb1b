import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../fixture-cases.js';

const versionOf = (name: string) => (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The README's snippet that follows a marker comment. */
function readmeSnippet(marker: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- ${marker} -->`);
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error(`README.md has no ${marker} snippet`);
  return m[1]!;
}

/**
 * What a new user does: pack onionlint, install the tarball with eslint and typescript-eslint into
 * a fresh project (from the local npm cache only), paste the README's config, run `eslint .`.
 */
describe('the packed plugin works as the README says', () => {
  it('npm pack + install + the README config + eslint . reports the mistake', { timeout: 180_000 }, () => {
    const work = mkdtempSync(join(tmpdir(), 'onion-pack-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: repoRoot, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', join(app, 'src')]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, tarball), `eslint@${versionOf('eslint')}`, `typescript-eslint@${versionOf('typescript-eslint')}`, `typescript@${versionOf('typescript')}`],
      { cwd: app, stdio: 'pipe' },
    );
    writeFileSync(join(app, 'eslint.config.js'), readmeSnippet('eslint-config-ts'));
    writeFileSync(
      join(app, 'src', 'powered-by.ts'),
      `export class PoweredBy {
  constructor(private readonly getResponse: (request: Request) => Promise<Response>) {}

  async call(request: Request) {
    const response = await this.getResponse(request);
    response.headers.set('X-Powered-By', 'onion');
  }
}
`,
    );
    writeFileSync(join(app, 'src', 'ok.js'), 'export function timing(getResponse) {\n  return async (request) => {\n    const response = await getResponse(request);\n    return response;\n  };\n}\n');
    let stdout = '';
    try {
      execFileSync(process.execPath, [join(app, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.', '-f', 'json'], { cwd: app, stdio: 'pipe' });
    } catch (error) {
      stdout = String((error as { stdout: Buffer }).stdout);
      expect((error as { status: number }).status).toBe(1);
    }
    const results = JSON.parse(stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number; column: number }> }>;
    const reports = results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(app.length + 1)}:${m.line}:${m.column} ${m.ruleId}`));
    expect(reports).toEqual(['src/powered-by.ts:7:3 onion/return-response']);
  });
});
