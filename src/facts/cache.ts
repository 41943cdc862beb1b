import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FrontendOptions } from '../config.js';
import type { FileFacts } from '../model.js';
import { TOOL_VERSION } from '../package-root.js';

/** One cache file: facts by path, each valid for one content hash, for one tool version and options. */
interface CacheFile {
  key: string;
  entries: Record<string, { hash: string; facts: FileFacts }>;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** What invalidates every entry at once: the tool version and the options that shape facts. */
function cacheKey(options: FrontendOptions): string {
  return contentHash(JSON.stringify({ version: TOOL_VERSION, options }));
}

export function defaultCacheLocation(cwd: string): string {
  return join(cwd, 'node_modules', '.cache', 'onionlint', 'facts.json');
}

/**
 * The facts cache (`--cache`): extraction is skipped for files whose content, the tool version and
 * the front-end options are unchanged. A missing or corrupt cache file is an empty cache.
 */
export class FactsCache {
  private readonly key: string;
  private readonly old: CacheFile['entries'];
  private readonly fresh: CacheFile['entries'] = {};

  constructor(
    readonly location: string,
    options: FrontendOptions,
  ) {
    this.key = cacheKey(options);
    this.old = {};
    try {
      const parsed = JSON.parse(readFileSync(location, 'utf8')) as Partial<CacheFile>;
      if (parsed && parsed.key === this.key && parsed.entries && typeof parsed.entries === 'object') this.old = parsed.entries;
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
  }

  get(path: string, hash: string): FileFacts | undefined {
    const entry = this.old[path];
    if (entry && entry.hash === hash && entry.facts?.path === path) {
      this.fresh[path] = entry;
      return entry.facts;
    }
    return undefined;
  }

  set(path: string, hash: string, facts: FileFacts): void {
    this.fresh[path] = { hash, facts };
  }

  /** Writes the entries of this run atomically (a temp file renamed over the old one). */
  save(): void {
    mkdirSync(dirname(this.location), { recursive: true });
    const temp = `${this.location}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ key: this.key, entries: this.fresh } satisfies CacheFile));
    renameSync(temp, this.location);
  }
}
