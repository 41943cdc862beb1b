import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint } from '../src/engine.js';
import { LineIndex } from '../src/text.js';

const config = defaultConfig();

const forgotReturn = (eol: string) =>
  ['class PoweredBy {', '  constructor(getResponse) {', '    this.getResponse = getResponse;', '  }', '  call(request) {', '    const response = this.getResponse(request);', "    response.headers['X-Powered-By'] = 'onion';", '  }', '}', ''].join(eol);

function summary(results: ReturnType<typeof lint>) {
  return results.map((r) => {
    const lines = new LineIndex(r.text);
    return [r.filePath, r.diagnostics.map((d) => `${d.ruleId ?? 'fatal'}@${lines.position(d.range.start).line}:${lines.position(d.range.start).column}`)];
  });
}

describe('bad input: one broken file never hides the others', () => {
  it('a syntax error is one fatal message for that file; the next file is still linted', () => {
    const results = lint(
      [
        { path: '/p/broken.ts', text: 'export class {\n  call(request) {\n' },
        { path: '/p/ok.js', text: forgotReturn('\n') },
      ],
      { config },
    );
    expect(results[0]!.diagnostics).toHaveLength(1);
    expect(results[0]!.diagnostics[0]).toMatchObject({ ruleId: null, fatal: true, severity: 2 });
    expect(results[0]!.diagnostics[0]!.message).toMatch(/^Parsing error: /);
    expect(summary(results)[1]).toEqual(['/p/ok.js', ['onion/return-response@8:3']]);
  });

  it('nesting that overflows the parser is a fatal message for that file only', () => {
    const depth = 50_000;
    const results = lint(
      [
        { path: '/p/deep.ts', text: `export const x = ${'('.repeat(depth)}1${')'.repeat(depth)};\n` },
        { path: '/p/ok.ts', text: forgotReturn('\n') },
      ],
      { config },
    );
    expect(results[0]!.diagnostics).toHaveLength(1);
    expect(results[0]!.diagnostics[0]).toMatchObject({ ruleId: null, fatal: true });
    expect(summary(results)[1]![1]).toEqual(['onion/return-response@8:3']);
  });

  it('an empty file, or one of only comments, yields nothing', () => {
    const results = lint(
      [
        { path: '/p/empty.ts', text: '' },
        { path: '/p/comments.js', text: '// nothing here\n/* at all */\n' },
      ],
      { config },
    );
    expect(results.map((r) => r.diagnostics)).toEqual([[], []]);
  });

  it('CRLF line endings keep lines and columns exact', () => {
    const [lf] = summary(lint([{ path: '/p/a.ts', text: forgotReturn('\n') }], { config }));
    const [crlf] = summary(lint([{ path: '/p/a.ts', text: forgotReturn('\r\n') }], { config }));
    expect(crlf![1]).toEqual(lf![1]);
    expect(crlf![1]).toEqual(['onion/return-response@8:3']);
  });

  it('a byte-order mark shifts offsets by one character and nothing else', () => {
    const text = forgotReturn('\n');
    const [plain] = lint([{ path: '/p/a.ts', text }], { config });
    const [bom] = lint([{ path: '/p/a.ts', text: `\uFEFF${text}` }], { config });
    expect(bom!.diagnostics.map((d) => d.range.start - 1)).toEqual(plain!.diagnostics.map((d) => d.range.start));
    expect(bom!.diagnostics[0]!.fix!.range.start - 1).toBe(plain!.diagnostics[0]!.fix!.range.start);
  });

  it('a 5 MB file is linted, and its one mistake found, in reasonable time', () => {
    const filler = 'export function f0(a: number): number { return a + 1; }\n';
    let big = forgotReturn('\n');
    let i = 0;
    while (big.length < 5 * 1024 * 1024) big += filler.replace('f0', `f${++i}`);
    const started = Date.now();
    const [result] = lint([{ path: '/p/big.ts', text: big }], { config });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(summary([result!])[0]![1]).toEqual(['onion/return-response@8:3']);
  });

  it('invalid UTF-8 decoded with replacement characters is still linted', () => {
    const bytes = Buffer.concat([Buffer.from('// caf\xC3 \xFF\xFE\n', 'latin1'), Buffer.from(forgotReturn('\n'))]);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    expect(text).toContain('\uFFFD');
    expect(summary(lint([{ path: '/p/u.js', text }], { config }))[0]![1]).toEqual(['onion/return-response@9:3']);
  });

  it('binary content is a parse error, not a crash', () => {
    const binary = String.fromCharCode(...Array.from({ length: 512 }, (_, i) => (i * 37) % 256));
    const [result] = lint([{ path: '/p/blob.js', text: binary }], { config });
    expect(result!.diagnostics.every((d) => d.fatal)).toBe(true);
    expect(result!.diagnostics.length).toBeLessThanOrEqual(1);
  });
});
