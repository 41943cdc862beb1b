import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint } from '../src/engine.js';

/** onionlint reads source text only: linting a file never runs it (unlike `manage.py check`). */
describe('safety: linted code is never executed', () => {
  it('a settings module whose top-level code writes a marker file leaves no marker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onion-safety-'));
    const marker = join(dir, 'EXECUTED');
    const settings = join(dir, 'settings.js');
    writeFileSync(
      settings,
      `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'settings ran');\n` +
        `import('node:fs').then((fs) => fs.writeFileSync(${JSON.stringify(marker)}, 'settings ran'));\n` +
        `const { Base } = require('./base');\n` +
        `module.exports.MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', './base.Base'];\n`,
    );
    const base = join(dir, 'base.js');
    writeFileSync(base, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'base ran');\nclass Base { constructor(getResponse) { this.getResponse = getResponse; } call(r) { return this.getResponse(r); } }\nmodule.exports = { Base };\n`);
    const host = { readFile: (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined) };
    const results = lint([{ path: settings, text: readFileSync(settings, 'utf8') }], { config: defaultConfig(), host });
    expect(results).toHaveLength(1);
    expect(results[0]!.diagnostics.filter((d) => d.fatal)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });
});
