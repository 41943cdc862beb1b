import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The onionlint package's own folder (where package.json and docs/ live), from src/ or dist/. */
export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'onionlint') return dir;
      } catch {
        // keep looking upwards
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('onionlint: cannot find its own package.json');
    dir = parent;
  }
})();

/** The tool's version (part of every facts cache key). */
export const TOOL_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
