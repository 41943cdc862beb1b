import { describe, expect, it } from 'vitest';
import { applyFixes } from '../../src/fix.js';
import { readSource } from '../../src/cli/read.js';

describe('applyFixes', () => {
  it('applies fixes in text order whatever order they come in', () => {
    const out = applyFixes('abcdef', [
      { range: { start: 4, end: 5 }, text: 'E' },
      { range: { start: 0, end: 1 }, text: 'A' },
      { range: { start: 2, end: 2 }, text: '+' },
    ]);
    expect(out.output).toBe('Ab+cdEf');
    expect(out.applied).toHaveLength(3);
  });

  it('skips a fix that overlaps one already taken', () => {
    const out = applyFixes('abcdef', [
      { range: { start: 1, end: 4 }, text: 'X' },
      { range: { start: 2, end: 3 }, text: 'Y' },
    ]);
    expect(out.output).toBe('aXef');
    expect(out.skipped).toEqual([{ range: { start: 2, end: 3 }, text: 'Y' }]);
  });
});

describe('readSource', () => {
  it('turns a read failure into a message, not an exception', () => {
    const denied = readSource('/x.ts', () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });
    expect(denied).toEqual({ ok: false, message: 'Cannot read the file: permission denied.' });
  });

  it('removes a byte-order mark and remembers it; decodes invalid UTF-8 with replacement characters', () => {
    expect(readSource('/x.ts', () => Buffer.from('\uFEFFconst a = 1;'))).toEqual({ ok: true, text: 'const a = 1;', bom: true });
    const bad = readSource('/x.ts', () => Buffer.from([0x61, 0xff, 0x62]));
    expect(bad).toEqual({ ok: true, text: 'a\uFFFDb', bom: false });
  });
});
