import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { DROPPED, FORGOT_RETURN, project, run } from './run.js';

const require = createRequire(import.meta.url);

describe('--format compact', () => {
  it('one line per problem and a count', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'b.ts': DROPPED });
    const r = await run(['-f', 'compact', '.'], root);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${join(root, 'a.ts')}: line 8, col 3, Error - \`PoweredBy\\.call\` can reach its end .* \\(onion/return-response\\)$`));
    expect(lines[1]).toMatch(new RegExp(`^${join(root, 'b.ts')}: line 7, col 5, Warning - .*\\(onion/no-discarded-response\\)$`));
    expect(lines.slice(2)).toEqual(['', '2 problems', '']);
  });
});

describe('--format github', () => {
  it('writes escaped workflow-command annotations', async () => {
    const root = project({ 'dir,with:odd/a.ts': FORGOT_RETURN, 'b.ts': DROPPED });
    const r = await run(['-f', 'github', '.'], root);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::warning file=b\.ts,line=7,col=5,endLine=7,endColumn=\d+,title=onion\/no-discarded-response::`Replace\.call` calls/);
    expect(lines[1]).toMatch(/^::error file=dir%2Cwith%3Aodd\/a\.ts,line=8,col=3,endLine=8,endColumn=4,title=onion\/return-response::`PoweredBy\.call` can reach its end/);
  });

  it('escapes %, CR and LF in messages', async () => {
    const { github } = await import('../../src/cli/format/github.js');
    const out = github(
      [{ filePath: '/p/a.ts', source: '', errorCount: 1, warningCount: 0, fatalErrorCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, messages: [{ ruleId: 'onion/x', severity: 2, message: '100% sure\r\nnext line', line: 1, column: 2, endLine: 1, endColumn: 3 }] }],
      { cwd: '/p', color: false },
    );
    expect(out).toBe('::error file=a.ts,line=1,col=2,endLine=1,endColumn=3,title=onion/x::100%25 sure%0D%0Anext line\n');
  });

  it('past GitHub\'s 10 annotations per level, a line says how many were not shown', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 13; i++) files[`e${String(i).padStart(2, '0')}.ts`] = FORGOT_RETURN;
    for (let i = 0; i < 11; i++) files[`w${String(i).padStart(2, '0')}.ts`] = DROPPED;
    const r = await run(['-f', 'github', '.'], project(files));
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error'))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::warning'))).toHaveLength(10);
    expect(lines.at(-1)).toBe('onionlint: 3 more errors and 1 more warning not shown as annotations (GitHub shows 10 of each per step); run onionlint locally or use --format sarif to see all of them.');
  });
});

describe('--format sarif', () => {
  // The official SARIF 2.1.0 schema (rtm.5, as schemastore publishes it), shipped by @microsoft/jest-sarif.
  // It is written in draft-04, whose only difference that matters to ajv 8 here is `id` for `$id`.
  const { id, $schema: _draft, ...rest } = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const schema = { $id: id, ...rest };

  async function sarifOf(files: Record<string, string>) {
    const root = project(files);
    const r = await run(['-f', 'sarif', '.'], root);
    return { root, code: r.code, log: JSON.parse(r.stdout) };
  }

  it('validates against the official SARIF 2.1.0 JSON schema', async () => {
    const { log, code } = await sarifOf({ 'src/a.ts': FORGOT_RETURN, 'src/b.ts': DROPPED, 'src/broken.ts': 'export class {\n' });
    expect(code).toBe(1);
    // Formats (uri, date-time) are not checked: ajv-formats is not installed; every structural rule is.
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors, null, 1)).toBe(true);
  });

  it('describes every rule for code scanning and points each result at a repository-relative region', async () => {
    const { log } = await sarifOf({ 'src/a.ts': FORGOT_RETURN, 'src/broken.ts': 'export class {\n' });
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(allRules.map((r) => `onion/${r.meta.id}`));
    const rr = run0.tool.driver.rules.find((r: { id: string }) => r.id === 'onion/return-response');
    expect(rr).toMatchObject({
      name: 'ReturnResponse',
      shortDescription: { text: 'Every exit of a middleware handler returns a response.' },
      defaultConfiguration: { level: 'error' },
      helpUri: expect.stringMatching(/docs\/rules\/return-response\.md$/),
    });
    expect(rr.help.markdown).toContain('# return-response');
    expect(rr.fullDescription.text.length).toBeGreaterThan(20);
    expect(run0.results).toHaveLength(1);
    const [result] = run0.results;
    expect(result).toMatchObject({
      ruleId: 'onion/return-response',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'src/a.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 8, startColumn: 3, endLine: 8, endColumn: 4 } } }],
    });
    expect(run0.tool.driver.rules[result.ruleIndex].id).toBe('onion/return-response');
    // A file that does not parse is a tool notification, not an alert of some rule.
    expect(run0.invocations[0].toolExecutionNotifications).toMatchObject([{ level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'src/broken.ts' } } }] }]);
  });

  it('fingerprints stay the same when unrelated lines move', async () => {
    const before = await sarifOf({ 'a.ts': FORGOT_RETURN });
    const after = await sarifOf({ 'a.ts': `// a comment\n// another\n${FORGOT_RETURN}` });
    const fp = (log: typeof before.log) => log.runs[0].results.map((r: { partialFingerprints: Record<string, string>; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }) => [r.partialFingerprints['onionlint/v1'], r.locations[0]!.physicalLocation.region.startLine]);
    expect(fp(before.log)[0][1]).toBe(8);
    expect(fp(after.log)[0][1]).toBe(10);
    expect(fp(after.log)[0][0]).toBe(fp(before.log)[0][0]);
    const two = await sarifOf({ 'a.ts': FORGOT_RETURN, 'b.ts': FORGOT_RETURN });
    const [x, y] = fp(two.log);
    expect(x[0]).not.toBe(y[0]);
  });
});
