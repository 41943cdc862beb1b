import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FrontendOptions } from '../config.js';
import { dormantFacts } from '../frontends/ts/index.js';
import type { FileFacts } from '../model.js';
import { TOOL_VERSION } from '../package-root.js';

/**
 * How the cache tells that a file is unchanged (`--cache-strategy`, ESLint's option and values):
 * - `metadata` (the default): its size, modification and change times and inode are those recorded,
 *   so the file is not even read;
 * - `content`: its content hashes to the recorded hash (every file is read, none is re-analysed).
 */
export type CacheStrategy = 'metadata' | 'content';
export const CACHE_STRATEGIES: readonly CacheStrategy[] = ['metadata', 'content'];

/** What `stat` says of a file; taken before the file is read, so a later change is never missed. */
export interface Stamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/**
 * A file whose modification time is this close to (or after) the start of the run that reads it
 * may still change within the same clock tick (file systems keep times in steps of up to 2 s)
 * without its stamp changing, as git's "racily clean" index entries can. Its entry keeps the
 * content hash, and a later run verifies it by content (reading the file, not analysing it) until
 * that run starts long enough after the modification time; then the entry settles.
 */
const RACY_MS = 3000;

/**
 * The file format: a header line, then the entries; bump when either changes shape, the facts
 * inside the entries included (3: Python facts — classes, functions, signatures, capabilities;
 * 4: `frameworkUses` and `functionCandidates`, detection across files; 7: Node app stacks (`appStacks`:
 * Koa router prefixes, koa-mount paths, `hono/combine` layers, Nest `configure(consumer)` stacks,
 * exported functions' parameter stacks and layers naming a module loaded in place).
 */
const FORMAT = 7;
const MAGIC = 'facts cache';
/** How every cache file starts; a file that stops within it was cut short. */
const PREFIX = `{"onionlint":"${MAGIC}"`;

interface Header {
  onionlint: string;
  format: number;
  version: string;
  /** Hash of the front-end options and the strategy: what shapes the facts and the entries. */
  key: string;
  /** Hash of the entries line, so that a damaged or truncated file is never trusted. */
  digest: string;
}

/**
 * One file: its stamp, its content hash or 0 (kept under the content strategy, and under the
 * metadata strategy only while the entry is racy: then it is verified by content), its facts
 * without the path (0 for the facts of a file only checked for syntax), and the complete facts of
 * such a file when the link step needed them.
 */
type Entry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, hash: string | 0, facts: StoredFacts | 0, completed?: StoredFacts];
type StoredFacts = Omit<FileFacts, 'path'>;

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function digestOf(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

export function defaultCacheLocation(cwd: string): string {
  return join(cwd, 'node_modules', '.cache', 'onionlint', 'facts.json');
}

function stampOf(path: string): Stamp | undefined {
  const s = statSync(path, { throwIfNoEntry: false });
  return s && { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
}

const isBareDormant = (f: FileFacts) =>
  f.dormant === true &&
  f.fatal === undefined &&
  f.units.length + f.stacks.length + f.imports.length + f.exports.length + f.classFactories.length + f.directives.length === 0 &&
  Object.keys(f.declarations).length + Object.keys(f.constants).length === 0;

function store(facts: FileFacts): StoredFacts | 0 {
  if (isBareDormant(facts)) return 0;
  const { path: _path, ...rest } = facts;
  return rest;
}

function restore(path: string, stored: StoredFacts | 0): FileFacts {
  return stored === 0 ? dormantFacts(path) : { ...stored, path };
}

function isEntry(e: unknown): e is Entry {
  if (!Array.isArray(e) || e.length < 6 || e.length > 7) return false;
  const [size, mtime, ctime, ino, hash, facts, completed] = e as unknown[];
  const isFacts = (f: unknown) => typeof f === 'object' && f !== null && Array.isArray((f as FileFacts).units) && Array.isArray((f as FileFacts).stacks);
  return (
    typeof size === 'number' &&
    typeof mtime === 'number' &&
    typeof ctime === 'number' &&
    typeof ino === 'number' &&
    (hash === 0 || typeof hash === 'string') &&
    (facts === 0 || isFacts(facts)) &&
    (completed === undefined || isFacts(completed))
  );
}

export interface CacheHooks {
  /** Where a one-line warning goes (a cache file that cannot be used). */
  warn?: (message: string) => void;
  /** For tests: the file stamps and the clock. */
  stat?: (path: string) => Stamp | undefined;
  now?: () => number;
}

/**
 * The facts cache (`--cache`): the facts of unchanged files are reused between runs. A cache
 * written by another onionlint version, for other front-end options or another strategy is
 * discarded; an unreadable, damaged or truncated one is ignored with a warning. It is written
 * only when something in it changed, atomically.
 */
export class FactsCache {
  private readonly key: string;
  private readonly runStart: number;
  private readonly stat: (path: string) => Stamp | undefined;
  private old: Record<string, Entry> = {};
  private readonly fresh = new Map<string, Entry>();
  private dirty = false;

  private constructor(
    readonly location: string,
    options: FrontendOptions,
    readonly strategy: CacheStrategy,
    private readonly hooks: CacheHooks,
  ) {
    this.key = contentHash(JSON.stringify({ options, strategy }));
    this.runStart = (hooks.now ?? Date.now)();
    this.stat = hooks.stat ?? stampOf;
  }

  static open(location: string, options: FrontendOptions, strategy: CacheStrategy = 'metadata', hooks: CacheHooks = {}): FactsCache {
    const cache = new FactsCache(location, options, strategy, hooks);
    cache.load();
    return cache;
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.location, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No cache yet: the first run writes it.
      if (code !== 'ENOENT') this.ignore(`it cannot be read (${code ?? (error as Error).message})`);
      this.dirty = true;
      return;
    }
    this.dirty = true;
    const newline = text.indexOf('\n');
    let header: Partial<Header>;
    try {
      header = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as Partial<Header>;
    } catch {
      return this.ignore(newline < 0 && (text.startsWith(PREFIX) || PREFIX.startsWith(text)) ? 'it is truncated' : 'it is not an onionlint cache file (not JSON)');
    }
    if (typeof header !== 'object' || header === null || header.onionlint !== MAGIC) return this.ignore('it is not an onionlint cache file');
    // Another version or configuration: its facts may differ from this run's; start afresh, silently.
    if (header.format !== FORMAT || header.version !== TOOL_VERSION || header.key !== this.key) return;
    const body = newline < 0 ? '' : text.slice(newline + 1);
    if (header.digest !== digestOf(body)) return this.ignore('it is truncated or damaged (its checksum does not match)');
    let entries: unknown;
    try {
      entries = JSON.parse(body);
    } catch {
      return this.ignore('it is damaged (not JSON)');
    }
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries) || !Object.values(entries).every(isEntry)) return this.ignore('it holds malformed entries');
    this.old = entries as Record<string, Entry>;
    this.dirty = false;
  }

  private ignore(reason: string): void {
    this.hooks.warn?.(`onionlint: ignoring the cache file ${this.location}: ${reason}`);
  }

  /** The file's stamp now (take it before reading the file), or undefined when it cannot be stat'ed. */
  stampOf(path: string): Stamp | undefined {
    return this.stat(path);
  }

  private static sameStamp(e: Entry, s: Stamp): boolean {
    return e[0] === s.size && e[1] === s.mtimeMs && e[2] === s.ctimeMs && e[3] === s.ino;
  }

  /** Whether a file with this stamp may still change in this run's clock tick without its stamp changing. */
  private racy(stamp: Stamp): boolean {
    return stamp.mtimeMs + RACY_MS >= this.runStart;
  }

  /** Whether the file's content hash is needed to reuse or to record its facts (then the caller reads it). */
  needsHash(path: string, stamp: Stamp | undefined): boolean {
    if (stamp === undefined) return false;
    if (this.strategy === 'content' || this.racy(stamp)) return true;
    const e = this.old[path];
    return e !== undefined && e[4] !== 0 && FactsCache.sameStamp(e, stamp);
  }

  /** Metadata strategy: the stored facts of a file whose stamp is as recorded and settled, without reading it. */
  byStamp(path: string, stamp: Stamp | undefined): FileFacts | undefined {
    if (this.strategy !== 'metadata' || stamp === undefined) return undefined;
    const e = this.old[path];
    if (!e || e[4] !== 0 || !FactsCache.sameStamp(e, stamp)) return undefined;
    return this.reuse(path, e, stamp, 0);
  }

  /** The stored facts of a file whose content hashes as recorded (under the metadata strategy, with its stamp unchanged too). */
  byHash(path: string, stamp: Stamp | undefined, hash: string): FileFacts | undefined {
    const e = this.old[path];
    if (stamp === undefined || !e || e[4] !== hash) return undefined;
    if (this.strategy === 'metadata' && !FactsCache.sameStamp(e, stamp)) return undefined;
    return this.reuse(path, e, stamp, hash);
  }

  private reuse(path: string, e: Entry, stamp: Stamp, hash: string | 0): FileFacts {
    const keepHash = this.strategy === 'content' || this.racy(stamp) ? hash : 0;
    if (keepHash === e[4] && FactsCache.sameStamp(e, stamp)) this.fresh.set(path, e);
    else {
      // A racy entry that is now old enough settles (and is no longer read); a content entry may have a new stamp.
      this.fresh.set(path, [stamp.size, stamp.mtimeMs, stamp.ctimeMs, stamp.ino, keepHash, e[5], ...(e[6] ? [e[6]] : [])] as Entry);
      this.dirty = true;
    }
    return restore(path, e[5]);
  }

  /** Records the facts of a file computed in this run from its content read after `stamp` was taken. */
  set(path: string, stamp: Stamp | undefined, hash: string | undefined, facts: FileFacts): void {
    if (stamp === undefined) return;
    const needed = this.strategy === 'content' || this.racy(stamp);
    // Without its hash such an entry could never be verified: leave the file out.
    if (needed && hash === undefined) return;
    this.fresh.set(path, [stamp.size, stamp.mtimeMs, stamp.ctimeMs, stamp.ino, needed ? hash! : 0, store(facts)]);
    this.dirty = true;
  }

  /** A file of this run that could not be read: its entry goes. */
  forget(path: string): void {
    if (path in this.old) this.dirty = true;
    this.fresh.delete(path);
    delete this.old[path];
  }

  /** The complete facts of the dormant files of this run that an earlier run completed, by path. */
  completions(): Map<string, FileFacts> {
    const out = new Map<string, FileFacts>();
    for (const [path, e] of this.fresh) if (e[6]) out.set(path, restore(path, e[6]));
    return out;
  }

  /** Keeps the complete facts the link step computed for dormant files of this run. */
  addCompletions(completed: Map<string, FileFacts>): void {
    for (const [path, facts] of completed) {
      const e = this.fresh.get(path);
      if (!e || e[5] !== 0 || e[6] || facts.dormant) continue;
      this.fresh.set(path, [e[0], e[1], e[2], e[3], e[4], e[5], store(facts) as StoredFacts]);
      this.dirty = true;
    }
  }

  /**
   * Writes the cache when something changed (a temp file renamed over the old one). Entries of
   * files this run did not see are kept while the file exists (a run on a few staged files does
   * not empty the cache of the whole project).
   */
  save(): void {
    if (!this.dirty) return;
    const entries: Record<string, Entry> = {};
    for (const [path, e] of Object.entries(this.old)) if (!this.fresh.has(path) && this.stat(path) !== undefined) entries[path] = e;
    for (const [path, e] of this.fresh) entries[path] = e;
    const body = JSON.stringify(entries);
    const header: Header = { onionlint: MAGIC, format: FORMAT, version: TOOL_VERSION, key: this.key, digest: digestOf(body) };
    mkdirSync(dirname(this.location), { recursive: true });
    const temp = `${this.location}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(header)}\n${body}`);
    renameSync(temp, this.location);
    this.dirty = false;
  }
}
