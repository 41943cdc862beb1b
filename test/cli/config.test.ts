import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DROPPED, FORGOT_RETURN, project, run } from './run.js';

const jsonOf = (stdout: string) => JSON.parse(stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; severity: number }> }>;
const rulesOf = (stdout: string) => jsonOf(stdout).flatMap((f) => f.messages.map((m) => `${m.ruleId}:${m.severity}`));

describe('configuration', () => {
  it('onionlint.config.json is found from the working directory and sets rule severities', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'b.ts': DROPPED, 'onionlint.config.json': JSON.stringify({ rules: { 'return-response': 'warn', 'onion/no-discarded-response': 'off' } }) });
    const r = await run(['-f', 'json', '.'], root);
    expect(r.code).toBe(0);
    expect(rulesOf(r.stdout)).toEqual(['onion/return-response:1']);
  });

  it('an `onionlint` key in package.json works the same way', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'package.json': JSON.stringify({ name: 'x', onionlint: { rules: { 'return-response': ['warn', {}] } } }) });
    expect(rulesOf((await run(['-f', 'json', '.'], root)).stdout)).toEqual(['onion/return-response:1']);
  });

  it('onionlint.config.mjs is loaded (the only code onionlint runs is the project\'s own config)', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'onionlint.config.mjs': "export default { rules: { 'return-response': 'off' }, ignorePatterns: ['generated/**'] };\n", 'generated/g.ts': FORGOT_RETURN });
    const r = await run(['-f', 'json', '.'], root);
    expect(r.code).toBe(0);
    expect(jsonOf(r.stdout).map((f) => f.filePath.slice(root.length + 1))).toEqual(['a.ts', 'onionlint.config.mjs']);
  });

  it('--config names the file; names and presets reach the engine', async () => {
    const root = project({
      'mw.ts': 'export class M {\n  constructor(inner) { this.inner = inner; }\n  process(request) { this.inner(request); }\n}\n',
      'settings.ts': "export const STACK = ['django.contrib.auth.middleware.AuthenticationMiddleware'];\n",
      'conf/lint.json': JSON.stringify({ names: { handler: ['process'], next: ['inner'], stack: ['STACK'] }, presets: ['deploy'] }),
    });
    const r = await run(['-f', 'json', '--config', 'conf/lint.json', '.'], root);
    expect(rulesOf(r.stdout).sort()).toEqual(['onion/required-middleware:1', 'onion/required-middleware:1', 'onion/required-middleware:1', 'onion/required-middleware:1', 'onion/return-response:2'].sort());
  });

  it('a bad config exits 2 and names the key and what it accepts', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ rules: { 'return-response': 'erorr' } }, /"rules\.return-response" must be "off", "warn", "error" or \["off" \| "warn" \| "error", \{ options \}\]/],
      [{ rules: { 'return-responze': 'error' } }, /"rules\.return-responze" is not a rule; known rules: return-response, call-next/],
      [{ presets: ['fast'] }, /"presets\.0" must be one of "recommended", "strict", "deploy"/],
      [{ rulez: {} }, /unknown key "rulez" at the top level; accepted keys: rules, names, roots, knowledge, ignorePatterns, presets/],
      [{ roots: 'src' }, /"roots": .*\(expected a list of folders\)/],
      [{ knowledge: [{ path: 'proj.auth.StaffAuth', equivalent: 7 }] }, /"knowledge\.0\.equivalent": .*\(expected a list of \{ path, sets\?, needs\?, below\?, above\?, equivalent\?, note\? \}\)/],
      [
        { knowledge: [{ path: 'proj.auth.StaffAuth', equivalent: 'django.contrib.auth.middleware.AuthMiddleware' }] },
        /"knowledge\.0\.equivalent" must be the dotted path of a middleware onionlint knows .*; "django\.contrib\.auth\.middleware\.AuthMiddleware" is not one\./,
      ],
    ];
    for (const [config, message] of cases) {
      const root = project({ 'a.ts': FORGOT_RETURN, 'onionlint.config.json': JSON.stringify(config) });
      const r = await run(['.'], root);
      expect(r.code, JSON.stringify(config)).toBe(2);
      expect(r.stderr).toMatch(/^onionlint: Invalid configuration in .*onionlint\.config\.json: /);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('a config file that is not valid JSON, or a missing --config file, exits 2 with the reason', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'onionlint.config.json': '{ rules: ' });
    const broken = await run(['.'], root);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/onionlint: Cannot read .*onionlint\.config\.json: /);
    writeFileSync(join(root, 'onionlint.config.json'), '{}');
    const missing = await run(['--config', 'nope.json', '.'], root);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json/);
  });
});

describe('progress', () => {
  it('shows a progress line on a TTY for many files with stylish output, never otherwise', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 320; i++) files[`src/f${i}.ts`] = `export const x${i} = ${i};\n`;
    const root = project(files);
    const tty = await run(['--no-color', '.'], root, { tty: true });
    expect(tty.stderr).toContain('Linting 320 files…');
    expect((await run(['-f', 'json', '.'], root, { tty: true })).stderr).toBe('');
    expect((await run(['.'], root, { tty: false })).stderr).toBe('');
  });
});
