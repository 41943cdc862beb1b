import type { Completion, Fix, LateCompletion } from '../model.js';
import type { LinkedUnit } from './api.js';

/*
 * Messages and fixes shared by the rules of the linear contract (Express, Connect: respond-once,
 * no-double-next, call-next): they read the flow's completion facts, never syntax, and only look
 * at the source text to quote a call and to place a `return`.
 */

/** The framework's name as messages write it: `Express`, `Connect`. */
export function linearFramework(linked: LinkedUnit): string {
  const f = linked.unit.framework ?? 'express';
  return f.charAt(0).toUpperCase() + f.slice(1);
}

/** A call as a message quotes it: whole when short (`next(err)`), else with its last argument list elided (`res.status(401).json(…)`). */
export function callText(text: string, c: Completion): string {
  const whole = text.slice(c.range.start, c.range.end);
  if (whole.length <= 32 && !whole.includes('\n')) return whole;
  let depth = 0;
  for (let i = whole.length - 1; i >= 0; i--) {
    const ch = whole[i];
    if (ch === ')' || ch === ']' || ch === '}') depth++;
    else if (ch === '(' || ch === '[' || ch === '{') {
      depth--;
      if (depth === 0) return `${whole.slice(0, i)}(…)`;
    }
  }
  return whole;
}

/** The 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The completion before `late` that a message names: the first other one in source order, else itself (a loop's earlier pass). */
export function earlier(late: LateCompletion, kinds: ReadonlyArray<Completion['kind']>): Completion | undefined {
  const of = late.after.filter((a) => kinds.includes(a.kind));
  return of.find((a) => a.range.start !== late.range.start) ?? of[0];
}

/** Where the earlier completion is, for messages: `line 12`, or the call itself on an earlier pass of a loop. */
export function whereText(text: string, late: Completion, first: Completion): string {
  return first.range.start === late.range.start ? 'this same call, on an earlier pass of the loop' : `line ${lineOf(text, first.range.start)}`;
}

/** `return ` inserted before the earlier completion when it ends a branch (`Completion.endsBranch`): that path then ends there, and nothing else is cut off. */
export function returnBefore(late: Completion, first: Completion): Fix | undefined {
  if (first.range.start === late.range.start || first.endsBranch !== true) return undefined;
  return { range: { start: first.range.start, end: first.range.start }, text: 'return ' };
}

/** The advice closing a message: `return` where it is the fix, else the contract. */
export function advice(late: Completion, first: Completion, firstText: string): string {
  return returnBefore(late, first) ? `End that path there: \`return ${firstText};\`.` : 'Make sure no path goes on after it (return right after it, or move what follows it out of that path).';
}
