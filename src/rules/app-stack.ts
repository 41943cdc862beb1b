/**
 * The stack rules' view of a Node app (issue 12): which layers run before which on the requests
 * they share, and the move fix for registration statements. Path filters are compared as written
 * after mounts (src/link/app-stacks.ts `normalisePath`): a layer on `/api` runs for `/api` and
 * `/api/...`, and for nothing else; a filter that cannot be read orders against nothing.
 */
import type { NodeStackEntry } from '../link/app-stacks.js';
import type { StackContext, StackEntry } from '../link/stacks.js';
import type { Fix, Range } from '../model.js';
import type { RuleContextBase } from './api.js';
import { coexist, where } from './stack-helpers.js';

/** The entries of a Node stack whose place is known. */
export function orderedNodeEntries(ctx: StackContext): NodeStackEntry[] {
  if (ctx.stack.framework === undefined) return [];
  return ctx.stack.entries.filter((e): e is NodeStackEntry => e.node !== undefined && !e.fact.positionUnknown);
}

/** A path filter with no pattern in it: plain segments that can be compared as prefixes. */
function plain(path: string): boolean {
  return !/[:*?()+[\]{}\\]/.test(path);
}

/** Every request `inner` sees passes `outer`'s path filter (and method). */
export function covers(outer: NodeStackEntry, inner: NodeStackEntry): boolean {
  const a = outer.node.path;
  const b = inner.node.path;
  if (a === null || b === null) return false;
  if (!methodCovers(outer, inner)) return false;
  // A route matches its path exactly (`/` is the root only); a `use` filter matches the path and below it.
  if (outer.node.kind === 'route') return a === b;
  if (a === '') return true;
  if (a === b) return true;
  if (!plain(a)) return false;
  return b.startsWith(a) && b[a.length] === '/';
}

function methodCovers(outer: NodeStackEntry, inner: NodeStackEntry): boolean {
  const m = outer.node;
  // Middleware for some methods only (Nest's `forRoutes({ path, method })`) covers requests of those methods.
  if ((m.kind !== 'route' && m.methods === undefined) || m.method === 'all') return true;
  const methods = m.methods ?? (m.method === 'on' ? undefined : [m.method.toUpperCase()]);
  const want = inner.node.methods ?? (inner.node.kind === 'route' && inner.node.method !== 'all' && inner.node.method !== 'on' ? [inner.node.method.toUpperCase()] : undefined);
  return methods !== undefined && want !== undefined && want.every((x) => methods.includes(x));
}

/** Some request may pass both filters (unknown filters may). */
export function mayOverlap(a: NodeStackEntry, b: NodeStackEntry): boolean {
  if (a.node.path === null || b.node.path === null) return true;
  if (!plain(a.node.path) || !plain(b.node.path)) return true;
  const [x, y] = [a.node.path, b.node.path];
  return x === '' || y === '' || x === y || y.startsWith(`${x}/`) || x.startsWith(`${y}/`);
}

/** `a` runs before `b` for the requests they share: registered earlier, in a configuration that has both. */
export function runsBefore(a: NodeStackEntry, b: NodeStackEntry): boolean {
  return a.node.order < b.node.order || (a.node.order === b.node.order && a.fact.range.start < b.fact.range.start && a.filePath === b.filePath);
}

export { coexist };

/** How messages show where an entry is registered: `app.use(…)` at line 12, or `routes.ts:12`. */
export function registeredAt(ctx: RuleContextBase<string>, entry: StackEntry, reportFile: string): string {
  return where(ctx, entry, reportFile, entry.node?.registration.range.start);
}

/** The registration call as the message names it: `app.use(…)`, `router.get('/me', …)`. */
export function registrationLabel(ctx: RuleContextBase<string>, entry: Pick<NodeStackEntry, 'filePath'> & { node: Pick<NodeStackEntry['node'], 'registration'> }): string {
  const r = entry.node.registration;
  const text = ctx.textOf(entry.filePath);
  const head = text?.slice(r.range.start, r.range.end).match(/^[\w$.]*?\.?(\w+)\(/)?.[0] ?? `${r.method}(`;
  const path = r.path ? `'${r.path}', ` : '';
  return `${head}${path}…)`;
}

/** Where a statement's line begins: its indentation moves with it. */
function lineStart(text: string, offset: number): number {
  let s = offset;
  while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  return s;
}

/** Just past a statement's line end: the line break moves with it. */
function lineEnd(text: string, offset: number): number {
  let e = offset;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  if (text[e] === '\r') e++;
  if (text[e] === '\n') e++;
  return e;
}

/** Both registrations are whole statements of one receiver in one file, `first` above `second`. */
function movableStatements(first: NodeStackEntry, second: NodeStackEntry): { first: Range; second: Range } | undefined {
  const a = first.node.registration.statement;
  const b = second.node.registration.statement;
  if (!a || !b || first.filePath !== second.filePath || first.node.receiver !== second.node.receiver || a.start >= b.start) return undefined;
  return { first: a, second: b };
}

/**
 * Moves the registration statement of `moving` to just above that of `anchor`: only when both are
 * whole statements of one receiver in one block of one file and nothing stands between them (the
 * statements are adjacent), so that nothing else changes place. Else undefined (a suggestion).
 */
export function moveStatementAbove(text: string, moving: NodeStackEntry, anchor: NodeStackEntry, adjacentOnly: boolean): Fix | undefined {
  if (moving.filePath !== anchor.filePath || moving.node.receiver !== anchor.node.receiver) return undefined;
  return moveRangeAbove(text, moving.node.registration.statement, anchor.node.registration.statement, adjacentOnly);
}

/** Moves statement `m` to just above statement `a` of the same file (see moveStatementAbove): whole lines, else undefined. */
export function moveRangeAbove(text: string, m: Range | undefined, a: Range | undefined, adjacentOnly: boolean): Fix | undefined {
  if (!m || !a || a.start >= m.start) return undefined;
  const between = text.slice(a.end, m.start);
  if (adjacentOnly && !/^\s*$/.test(between)) return undefined;
  // Whole lines: the statement's indentation and line end move with it.
  const mStart = lineStart(text, m.start);
  const mEnd = lineEnd(text, m.end);
  const aStart = lineStart(text, a.start);
  if ((mStart !== 0 && text[mStart - 1] !== '\n') || (aStart !== 0 && text[aStart - 1] !== '\n')) return undefined;
  const moved = text.slice(mStart, mEnd);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { range: { start: aStart, end: mEnd }, text: (moved.endsWith('\n') ? moved : moved + eol) + text.slice(aStart, mStart) };
}

/** Removes the registration statement of an entry (its whole line when it stands alone on it). */
export function removeStatement(text: string, entry: NodeStackEntry): Fix | undefined {
  const st = entry.node.registration.statement;
  if (!st) return undefined;
  const start = lineStart(text, st.start);
  const end = lineEnd(text, st.end);
  const ownLine = (start === 0 || text[start - 1] === '\n') && (end === text.length || text[end - 1] === '\n');
  return ownLine ? { range: { start, end }, text: '' } : { range: st, text: '' };
}

/**
 * Moves the registration statement of `moving` to just below that of `anchor` (registered below it),
 * on the same terms as `moveStatementAbove`.
 */
export function moveStatementBelow(text: string, moving: NodeStackEntry, anchor: NodeStackEntry, adjacentOnly: boolean): Fix | undefined {
  const both = movableStatements(moving, anchor);
  if (!both) return undefined;
  const { first: m, second: a } = both;
  if (adjacentOnly && !/^\s*$/.test(text.slice(m.end, a.start))) return undefined;
  const mStart = lineStart(text, m.start);
  const mEnd = lineEnd(text, m.end);
  const aStart = lineStart(text, a.start);
  const aEnd = lineEnd(text, a.end);
  if ((mStart !== 0 && text[mStart - 1] !== '\n') || (aStart !== 0 && text[aStart - 1] !== '\n') || !text.slice(mStart, mEnd).endsWith('\n')) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const rest = text.slice(mEnd, aEnd);
  const moved = text.slice(mStart, mEnd);
  return { range: { start: mStart, end: aEnd }, text: rest.endsWith('\n') ? rest + moved : rest + eol + moved.replace(/\r?\n$/, '') };
}
