import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../fixture-cases.js';

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string> };

/** The README's snippet that follows a marker comment. */
function readmeSnippet(marker: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- ${marker} -->`);
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error(`README.md has no ${marker} snippet`);
  return m[1]!;
}

/**
 * What a new user does: pack onionlint, install the tarball with eslint, typescript-eslint and
 * typescript into a fresh project, paste the README's config, run `eslint .`.
 *
 * Hermetic: no `npm install` (resolving a version needs registry metadata that `npm ci` never
 * caches). onionlint is the packed tarball, extracted, so exactly the published files are tested;
 * the third-party packages, the app's three and onionlint's declared `dependencies`, are links to
 * the copies `npm ci` installed in this repository. Nothing else is linked, so an import of a
 * package onionlint does not declare still fails here as it would after a real install.
 */
describe('the packed plugin works as the README says', () => {
  it('npm pack + install + the README config + eslint . reports the mistake', { timeout: 120_000 }, () => {
    const work = mkdtempSync(join(tmpdir(), 'onion-pack-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: repoRoot, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const app = join(work, 'app');
    const onionlint = join(app, 'node_modules', 'onionlint');
    mkdirSync(join(app, 'src'), { recursive: true });
    mkdirSync(onionlint, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', onionlint, '--strip-components=1']);

    const own = ['eslint', 'typescript-eslint', 'typescript'];
    const link = (name: string) => {
      mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', name), join(app, 'node_modules', name), 'dir');
    };
    for (const name of [...own, ...Object.keys(manifest(onionlint).dependencies ?? {})]) link(name);
    const devDependencies = Object.fromEntries([['onionlint', `file:${tarball}`], ...own.map((name) => [name, manifest(join(repoRoot, 'node_modules', name)).version])]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', devDependencies }));

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
