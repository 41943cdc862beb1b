import { readFileSync } from 'node:fs';
import { defaultConfig } from '../src/config.js';
import { lint, lintProject, type LintHost } from '../src/engine.js';
import { extractTypeScriptFacts } from '../src/frontends/ts/index.js';

/** Facts of one in-memory file. */
export function factsOf(text: string, path = '/virtual/mw.ts') {
  return extractTypeScriptFacts(path, text, { names: defaultConfig().names });
}

/** Reports of one in-memory file as `rule@line` strings. */
export function reportsOf(text: string, path = '/virtual/mw.ts'): string[] {
  const [result] = lint([{ path, text }], { config: defaultConfig() });
  return result!.diagnostics.map((d) => {
    const line = text.slice(0, d.range.start).split('\n').length;
    return `${d.ruleId?.replace('onion/', '') ?? 'fatal'}@${line}`;
  });
}

/** Reads the files a lint run refers to from disk (a case's base class, a settings module's imports). */
export const diskHost: LintHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** The frameworks of the confirmed function units of files linted together, those registered from another file of the set included. */
export function linkedFrameworks(files: Array<{ path: string; text: string }>): Set<string> {
  const { model } = lintProject(files, { config: defaultConfig(), host: diskHost });
  return new Set(model.units.flatMap((u) => (u.confirmed && u.unit.framework ? [u.unit.framework] : [])));
}
