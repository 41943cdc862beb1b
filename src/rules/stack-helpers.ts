import { PACKAGE_CHECKS } from '../knowledge/django-packages.js';
import type { KnownMiddleware, OrderConstraint } from '../knowledge/django.js';
import type { StackContext, StackEntry } from '../link/stacks.js';
import type { Fix } from '../model.js';
import { defineStackRule, type RuleContextBase, type StackRule } from './api.js';

export type StackRuleContext<M extends string> = StackContext & RuleContextBase<M>;

/** Defines a stack rule whose context is the link step's StackContext. */
export function defineSettingsRule<M extends string>(rule: StackRule<M, StackContext>): StackRule<M, StackContext> {
  return defineStackRule<M, StackContext>(rule);
}

/** The settings lists that Django reads as the middleware stack (not the ignored legacy one). */
export function isActiveStack(ctx: StackContext): boolean {
  return ctx.stack.framework === undefined && ctx.stack.setting !== 'MIDDLEWARE_CLASSES';
}

/** Two entries can be in one configuration: not from different branches of conditions. */
export function coexist(a: StackEntry, b: StackEntry): boolean {
  if (!a.fact.condition || !b.fact.condition) return true;
  return a.fact.condition.id === b.fact.condition.id && a.fact.condition.branch === b.fact.condition.branch;
}

/** What the knowledge base knows of an entry: its own knowledge, or its base class's. */
export function knownOf(entry: StackEntry): KnownMiddleware | undefined {
  const r = entry.resolution;
  return r.kind === 'builtin' ? r.known : r.kind === 'project' || r.kind === 'external' ? r.known : undefined;
}

/**
 * Whether the entry stands for the middleware `path` names: it is that one, a subclass of it, or
 * declared `equivalent` to it in the config (a constraint may also name a class by name).
 */
export function standsFor(entry: StackEntry, path: string): boolean {
  if (entry.identity === path || entry.label === path) return true;
  const known = knownOf(entry);
  return known !== undefined && (known.path === path || known.equivalent === path);
}

/** The system-check texts of the entry's package (debug_toolbar.W002, W004), when it has any. */
export function packageChecksOf(entry: StackEntry): (typeof PACKAGE_CHECKS)[string] {
  const known = knownOf(entry);
  return (known && PACKAGE_CHECKS[known.equivalent ?? known.path]) ?? {};
}

/** Whether a constraint applies to this stack's settings module (`when: CSRF_USE_SESSIONS = True`). */
export function constraintApplies(c: Pick<OrderConstraint, 'when'>, ctx: StackContext): boolean {
  return !c.when || ctx.stack.constants[c.when.setting] === c.when.equals;
}

/** Entries whose place in the list is known. */
export function placed(ctx: StackContext): StackEntry[] {
  return ctx.stack.entries.filter((e) => !e.fact.positionUnknown && e.fact.kind !== 'unknown' && e.resolution.kind !== 'unknown');
}

export function lineOf(text: string | undefined, offset: number): number {
  if (text === undefined) return 0;
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** `line 12`, or `base.ts:12` when the entry lives in another file than the report. */
export function where(ctx: RuleContextBase<string>, entry: StackEntry, reportFile: string, offset = entry.fact.range.start): string {
  const line = lineOf(ctx.textOf(entry.filePath), offset);
  if (entry.filePath === reportFile) return `line ${line}`;
  const name = entry.filePath.slice(entry.filePath.lastIndexOf('/') + 1);
  return `${name}:${line}`;
}

/** The line comment marker of the entry's language. */
function commentMarker(entry: StackEntry): string {
  return entry.filePath.endsWith('.py') || entry.filePath.endsWith('.pyi') ? '#' : '//';
}

/** The span of an element with its separator: its whole line(s) when it stands alone on them. */
function elementSpan(text: string, entry: StackEntry): { start: number; end: number; ownLines: boolean } {
  const { start, end } = entry.fact.range;
  let lineStart = start;
  while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
  let after = end;
  while (after < text.length && (text[after] === ' ' || text[after] === '\t')) after++;
  if (text[after] === ',') after++;
  let lineEnd = after;
  while (lineEnd < text.length && (text[lineEnd] === ' ' || text[lineEnd] === '\t')) lineEnd++;
  // A trailing line comment belongs to the entry.
  if (text.startsWith(commentMarker(entry), lineEnd)) while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  if (text[lineEnd] === '\r' && text[lineEnd + 1] === '\n') lineEnd++;
  const ownLines = (lineStart === 0 || text[lineStart - 1] === '\n') && (text[lineEnd] === '\n' || lineEnd === text.length);
  if (ownLines) return { start: lineStart, end: Math.min(text.length, lineEnd + 1), ownLines };
  // Inline: `A, B, C` — take the element and its comma and the space after it.
  let inlineEnd = after;
  while (inlineEnd < text.length && text[inlineEnd] === ' ') inlineEnd++;
  return { start, end: text[after - 1] === ',' ? inlineEnd : end, ownLines };
}

/** Whether two entries sit in the same array literal of the same file (a fix may move one). */
export function sameLiteral(a: StackEntry, b: StackEntry): boolean {
  return a.filePath === b.filePath && !!a.fact.arrayRange && !!b.fact.arrayRange && a.fact.arrayRange.start === b.fact.arrayRange.start;
}

/**
 * Moves `moving` up to just before `anchor` (both in one array literal): whole lines, with their
 * trailing comments, when each entry stands on its own lines; else the bare element.
 */
export function moveBefore(text: string, moving: StackEntry, anchor: StackEntry): Fix | undefined {
  if (anchor.fact.range.start >= moving.fact.range.start) return undefined;
  const m = elementSpan(text, moving);
  const a = elementSpan(text, anchor);
  if (m.ownLines && a.ownLines) {
    const movedLines = text.slice(m.start, m.end);
    // The last element may lack a comma; the moved line needs one above its new neighbour, right
    // after the element (before a trailing comment: `"A"  # note` becomes `"A",  # note`).
    const elementEnd = moving.fact.range.end - m.start;
    const withComma = /^\s*,/.test(movedLines.slice(elementEnd)) ? movedLines : `${movedLines.slice(0, elementEnd)},${movedLines.slice(elementEnd)}`;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    // A trailing comma left on the new last line is legal in every array literal, list and tuple.
    return { range: { start: a.start, end: m.end }, text: (withComma.endsWith('\n') ? withComma : `${withComma}${eol}`) + text.slice(a.start, m.start) };
  }
  const element = text.slice(moving.fact.range.start, moving.fact.range.end);
  const prefix = text.slice(anchor.fact.range.start, moving.fact.range.start).replace(/,\s*$/, '');
  return { range: { start: anchor.fact.range.start, end: moving.fact.range.end }, text: `${element}, ${prefix}` };
}

/** Removes an entry (its line when it stands alone, else the element and its comma). */
export function removeEntry(text: string, entry: StackEntry): Fix | undefined {
  const span = elementSpan(text, entry);
  if (span.ownLines) return { range: { start: span.start, end: span.end }, text: '' };
  // Inline and last in the list: take the comma before it instead.
  if (!/,\s*$/.test(text.slice(span.start, span.end))) {
    let before = entry.fact.range.start;
    while (before > 0 && /\s/.test(text[before - 1]!)) before--;
    if (text[before - 1] !== ',') return undefined;
    // A Python tuple keeps that comma: `("A", "A")` becomes `("A",)`, not the string `("A")`.
    const tuple = commentMarker(entry) === '#' && entry.fact.arrayRange !== undefined && text[entry.fact.arrayRange.start] !== '[';
    return { range: { start: tuple ? before : before - 1, end: entry.fact.range.end }, text: '' };
  }
  return { range: { start: span.start, end: span.end }, text: '' };
}
