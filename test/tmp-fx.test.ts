import { it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { reportsOf } from './helpers.js';
it('x', () => {
  for (const rule of ['await-next', 'call-next', 'no-double-next', 'return-response']) for (const kind of ['valid', 'invalid']) {
    for (const f of readdirSync(`fixtures/${rule}/${kind}`).filter((n) => n.startsWith('hono-'))) {
      const text = readFileSync(`fixtures/${rule}/${kind}/${f}`, 'utf8');
      const got = reportsOf(text, `/virtual/${f}`).join(', ');
      const want = kind === 'valid' ? '' : text.split('\n')[0]!.replace(/^\/\/ expect: /, '');
      console.log(got === want ? 'OK  ' : 'BAD ', `${rule}/${kind}/${f}`, '| got:', got, '| want:', want);
    }
  }
});
