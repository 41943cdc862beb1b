import type { ValueKind } from '../model.js';

/*
 * The abstract state of the flow core: what a value may be (a set of kinds), how many times the
 * next layer may have been called (a set of counts), and the state at one program point. Both
 * sets are bit masks over small finite lattices, so a join is a bitwise or and a loop reaches its
 * fixpoint in a few passes. Nothing here knows any syntax.
 */

// Value kinds as bits, so a set of kinds is one number and a join is a bitwise or.
export const NEXT = 1;
export const NEXT_PROMISE = 2;
export const RESPONSE = 4;
export const NOTHING = 8;
export const NOT_RESPONSE = 16;
export const UNKNOWN = 32;
/** Either form of the next layer's result: a value holding one of these uses or carries it. */
export const NEXT_RESULT = NEXT | NEXT_PROMISE;

export const KIND_NAMES: ReadonlyArray<readonly [number, ValueKind]> = [
  [NEXT, 'next'],
  [NEXT_PROMISE, 'nextPromise'],
  [RESPONSE, 'response'],
  [NOTHING, 'nothing'],
  [NOT_RESPONSE, 'notResponse'],
  [UNKNOWN, 'unknown'],
];

// Possible next-layer call counts as bits: 0 calls, 1 call, 2 or more.
export const CALLS_0 = 1;
export const CALLS_1 = 2;
export const CALLS_2 = 4;

/** The counts after one more completed call. */
export function addCall(mask: number): number {
  return (mask & CALLS_0 ? CALLS_1 : 0) | (mask & (CALLS_1 | CALLS_2) ? CALLS_2 : 0);
}

/** The counts with one completed call taken back (2 means 2+, so it may become 1 or stay 2+). */
export function removeCall(mask: number): number {
  return (mask & (CALLS_0 | CALLS_1) ? CALLS_0 : 0) | (mask & CALLS_2 ? CALLS_1 | CALLS_2 : 0);
}

/** The counts of a mask as the model writes them. */
export function callCounts(mask: number): Array<0 | 1 | 2> {
  const calls: Array<0 | 1 | 2> = [];
  if (mask & CALLS_0) calls.push(0);
  if (mask & CALLS_1) calls.push(1);
  if (mask & CALLS_2) calls.push(2);
  return calls;
}

/** The kinds of a mask as the model writes them. */
export function kindNames(mask: number): ValueKind[] {
  return KIND_NAMES.filter(([bit]) => mask & bit).map(([, name]) => name);
}

/** The kinds of an awaited value: a promise of the next layer's result becomes that result. */
export function awaited(kinds: number): number {
  return kinds & NEXT_PROMISE ? (kinds & ~NEXT_PROMISE) | NEXT : kinds;
}

/** The kinds of `a ?? b` (JavaScript): a left side that is not null or undefined, else the right side. */
export function nullishFallback(left: number, right: number): number {
  return (left & ~NOTHING) | right;
}

/**
 * The abstract state at one program point. Front-ends treat it as opaque and let the core's
 * operations change it, except that they may copy it (to fork a branch) and pass it on.
 */
export interface State {
  reachable: boolean;
  /** The possible next-layer call counts (CALLS_* bits). */
  calls: number;
  /** The possible kinds of each local; a local missing here is unknown. */
  vars: Map<string, number>;
  /** Must-information: on every path here, a next-layer result was computed and never used. */
  dropped: boolean;
  /** The variable that last received the next layer's result, while it still holds it. */
  nextVar: string | undefined;
  /**
   * Linear contract (Express, Connect): the possible counts of completions so far (CALLS_* bits):
   * responses sent and next-layer calls made. Stays CALLS_0 for other contracts.
   */
  done: number;
  /** Linear contract: the completion sites (ids the summary builder gives) made on some path reaching here. Never changed in place. */
  doneAt: ReadonlySet<number>;
}

/** No completion site: the `doneAt` of a state before any response or next-layer call. */
export const NO_SITES: ReadonlySet<number> = new Set();

/** No path reaches this point (after a return, a raise, a break...). Never change it. */
export const UNREACHABLE: State = { reachable: false, calls: 0, vars: new Map(), dropped: false, nextVar: undefined, done: 0, doneAt: NO_SITES };

export function copy(s: State): State {
  return { ...s, vars: new Map(s.vars) };
}

/** The state where two paths meet: every kind and count of either, "dropped" only if on both. */
export function join(a: State, b: State): State {
  if (!a.reachable) return b.reachable ? copy(b) : a;
  if (!b.reachable) return copy(a);
  const vars = new Map<string, number>();
  for (const [k, v] of a.vars) vars.set(k, v | (b.vars.get(k) ?? UNKNOWN));
  for (const [k, v] of b.vars) if (!a.vars.has(k)) vars.set(k, v | UNKNOWN);
  return {
    reachable: true,
    calls: a.calls | b.calls,
    vars,
    dropped: a.dropped && b.dropped,
    nextVar: a.nextVar === b.nextVar ? a.nextVar : undefined,
    done: a.done | b.done,
    doneAt: unionSites(a.doneAt, b.doneAt),
  };
}

/** The sites of either set (one of them itself when it holds the other). */
export function unionSites(a: ReadonlySet<number>, b: ReadonlySet<number>): ReadonlySet<number> {
  if (sameSites(a, b) || b.size === 0) return a;
  if (a.size === 0) return b;
  return new Set([...a, ...b]);
}

function sameSites(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

export function sameState(a: State, b: State): boolean {
  if (a.reachable !== b.reachable || a.calls !== b.calls || a.dropped !== b.dropped || a.nextVar !== b.nextVar || a.done !== b.done || !sameSites(a.doneAt, b.doneAt)) return false;
  if (a.vars.size !== b.vars.size) return false;
  for (const [k, v] of a.vars) if (b.vars.get(k) !== v) return false;
  return true;
}

/** Stop refining the locals: each may also be unknown (the loop fixpoint's widening). */
export function widen(s: State): void {
  for (const k of s.vars.keys()) s.vars.set(k, s.vars.get(k)! | UNKNOWN);
}

/** A local bound to something the core cannot follow (a destructuring, a loop variable, an exception). */
export function setUnknown(s: State, name: string): void {
  s.vars.set(name, UNKNOWN);
}

/** A local whose value is no longer tracked (changed in place: `x++`). */
export function forget(s: State, name: string): void {
  s.vars.delete(name);
}

/**
 * Leaving a scope that declared `name` (a block-scoped `let`/`const`): the outer value it shadowed
 * comes back, and a next-layer result held by the inner one is out of reach for a `return` fix.
 */
export function restoreShadowed(out: State, outer: State, name: string): void {
  const before = outer.vars.get(name);
  if (before === undefined) out.vars.delete(name);
  else out.vars.set(name, before);
  if (out.nextVar === name) out.nextVar = undefined;
}
