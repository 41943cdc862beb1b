import { copy, join, sameState, UNREACHABLE, widen, type State } from './state.js';

/*
 * Control flow of the core, with no syntax: exceptional edges and try/catch/finally routing,
 * break/continue targets, the loop fixpoint, and the join of an expression's two alternatives.
 * A front-end hands in states and walks its own blocks; the routing and the joins happen here.
 */

/** `c ? a : b`, `a && b`, `a or b`, `x if c else y`: `a` and `b` forked from `s` and walked; `s` becomes their join. */
export function mergeAlternatives(s: State, a: State, b: State): void {
  Object.assign(s, join(a, b));
}

// ---- exceptional edges -------------------------------------------------------------------------

/*
 * Exceptional edges. Every operation that may raise (a call, `new`, a property access, an `await`,
 * a destructuring, a `throw`) joins its state into the innermost handler around it: the `catch`
 * clause of the try block it is in, or a `finally` block, which runs and lets the exception go on to
 * the next handler out. The state on the edge out of a next-layer call is the state BEFORE the call:
 * a call that raised produced no response and does not count as a completed call, so a retry from
 * the `catch` is one call, while an operation after the call that raises carries the call with it.
 *
 * A front-end calls `raise` at each operation that may raise, `returnThrough` at each return, and
 * `tryStatement` with its own walks of the blocks.
 */
interface Handler {
  /**
   * `catch`: the try block of a try whose handlers catch every exception; `some`: of a try whose
   * handlers may let an exception through (Python's `except ValueError:`); `finally`: a region
   * whose exceptions run a finally block first and then go on.
   */
  kind: 'catch' | 'some' | 'finally';
  /** The join of the states at every point of the region that may raise. */
  raised: State;
}

/** A walk of one block: it takes the entry state and returns the state at the block's normal end. */
export type BlockWalk = (entry: State) => State;

/** The blocks of one try statement, as walks. */
export interface TryBlocks {
  body: BlockWalk;
  /** The catch clause, or all of Python's `except` clauses joined; entered with the state of the exception. */
  handlers?: BlockWalk | undefined;
  /** Whether the handlers catch every exception (a JavaScript `catch`, a bare `except:`); default true. */
  handlersCatchAll?: boolean;
  /** Python's `else:` block: runs when the body ends normally; the handlers do not see its exceptions. */
  orElse?: BlockWalk | undefined;
  /** The finally block: runs on every way out (normal end, exception, return) and lets it go on. */
  finally?: BlockWalk | undefined;
}

export class ExceptionalEdges {
  private readonly handlers: Handler[] = [];
  /** One per try statement with a finally block being walked: the states of the returns leaving through it. */
  private readonly finallies: Array<{ returns: State }> = [];
  /** How many finally blocks are being walked around the current point. */
  private finallyWalks = 0;

  /** An operation that may raise, in state `s`: the exception enters the innermost handler with that state. */
  raise(s: State): void {
    const top = this.handlers[this.handlers.length - 1];
    if (top && s.reachable) top.raised = join(top.raised, s);
  }

  /** A `throw` here is certainly caught in this function (else it is an exit of it). */
  get caught(): boolean {
    return this.handlers.some((h) => h.kind === 'catch');
  }

  /** A return (or a finally block it ran) leaving through the enclosing finally block, if any. */
  returnThrough(s: State): void {
    const frame = this.finallies[this.finallies.length - 1];
    if (frame && s.reachable) frame.returns = join(frame.returns, s);
  }

  /** A try statement entered in state `s`: walks its blocks and returns the state after the statement. */
  tryStatement(s: State, blocks: TryBlocks): State {
    const walkCatch = blocks.handlers;
    const walkFinally = blocks.finally;
    const catchesAll = blocks.handlersCatchAll !== false;
    const frame = walkFinally ? { returns: UNREACHABLE } : undefined;
    if (frame) this.finallies.push(frame);
    // Exceptions raised in the try block enter the catch clause, or else run the finally block.
    const tryHandler: Handler = { kind: walkCatch ? (catchesAll ? 'catch' : 'some') : 'finally', raised: UNREACHABLE };
    this.handlers.push(tryHandler);
    const tryOut = blocks.body(copy(s));
    this.handlers.pop();
    /** Exceptions that run the finally block and then go on to the enclosing handler. */
    let propagating = walkCatch && catchesAll ? UNREACHABLE : tryHandler.raised;
    let catchOut = UNREACHABLE;
    if (walkCatch) {
      // When nothing in the try block may raise (as far as the front-end sees), the state before it
      // still reads the catch clause, as an exception at its very start would.
      const catchHandler: Handler = { kind: 'finally', raised: UNREACHABLE };
      if (frame) this.handlers.push(catchHandler);
      catchOut = walkCatch(copy(tryHandler.raised.reachable ? tryHandler.raised : s));
      if (frame) {
        this.handlers.pop();
        propagating = catchesAll ? catchHandler.raised : join(propagating, catchHandler.raised);
      }
    }
    let bodyEnd = tryOut;
    if (blocks.orElse) {
      const elseHandler: Handler = { kind: 'finally', raised: UNREACHABLE };
      if (frame) this.handlers.push(elseHandler);
      bodyEnd = blocks.orElse(tryOut);
      if (frame) {
        this.handlers.pop();
        propagating = join(propagating, elseHandler.raised);
      }
    }
    const normal = walkCatch ? join(bodyEnd, catchOut) : bodyEnd;
    if (!walkFinally || !frame) {
      // Exceptions the handlers may not catch go on to the enclosing handler.
      if (walkCatch && !catchesAll) this.raise(tryHandler.raised);
      return normal;
    }
    this.finallies.pop();
    const walk = (entry: State): State => {
      this.finallyWalks++;
      const out = walkFinally(entry);
      this.finallyWalks--;
      return out;
    };
    // No way into it that is followed (e.g. only a `break` leaves the try): still read its code.
    if (!propagating.reachable && !frame.returns.reachable && !normal.reachable) {
      walk(copy(s));
      return UNREACHABLE;
    }
    if (this.finallyWalks > 0) {
      // Inside another finally block's walk, one walk for every way in keeps the cost linear in
      // the nesting of finally blocks (each way out then sees the others' states too).
      const out = walk(join(join(propagating, frame.returns), normal));
      if (propagating.reachable) this.raise(out);
      if (frame.returns.reachable) this.returnThrough(out);
      return normal.reachable ? out : UNREACHABLE;
    }
    // The finally block runs on every way out: for an exception, which then goes on being raised...
    if (propagating.reachable) this.raise(walk(copy(propagating)));
    // ...for a return, which then goes on returning (its exit is already recorded)...
    if (frame.returns.reachable) this.returnThrough(walk(frame.returns));
    // ...and on normal completion, after which the code below runs.
    return normal.reachable ? walk(normal) : UNREACHABLE;
  }
}

// ---- break / continue --------------------------------------------------------------------------

export interface JumpTarget {
  /** Labels naming the statement (JavaScript); empty where the language has none. */
  labels: readonly string[];
  kind: 'loop' | 'switch' | 'label';
  /** The join of the states of the `break`s that leave it. */
  breaks: State;
  /** The join of the states of the `continue`s that go back to its head (loops only). */
  continues: State;
}

/** The statements a `break` or `continue` can leave, innermost last. */
export class JumpTargets {
  private readonly stack: JumpTarget[] = [];

  /** Entering a statement that `break` (and for a loop `continue`) can target; leave it with `pop`. */
  push(labels: readonly string[], kind: JumpTarget['kind']): JumpTarget {
    const target: JumpTarget = { labels, kind, breaks: UNREACHABLE, continues: UNREACHABLE };
    this.stack.push(target);
    return target;
  }

  pop(): void {
    this.stack.pop();
  }

  /** A `break` (or `continue`) in state `s`, to `label` or to the innermost loop (or switch, for a break). The state after it is unreachable. */
  jump(isBreak: boolean, label: string | undefined, s: State): State {
    const target = this.find(label, isBreak);
    if (target) {
      if (isBreak) target.breaks = join(target.breaks, s);
      else target.continues = join(target.continues, s);
    }
    return UNREACHABLE;
  }

  private find(label: string | undefined, isBreak: boolean): JumpTarget | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const t = this.stack[i]!;
      if (label !== undefined) {
        if (t.labels.includes(label)) return t;
      } else if (t.kind === 'loop' || (isBreak && t.kind === 'switch')) return t;
    }
    return undefined;
  }
}

// ---- loops -------------------------------------------------------------------------------------

/** Passes over a loop before the core stops: the call counts saturate after two, the locals are widened before the last. */
const MAX_PASSES = 6;
const WIDEN_AFTER = 4;

/**
 * A loop driven to its fixpoint. The front-end repeats one pass until `nextPass` returns undefined:
 *
 *   const loop = new LoopFixpoint(targets, entry, labels);
 *   for (let s = loop.nextPass(); s; s = loop.nextPass()) {
 *     ...the condition or the iteration step on `s`...
 *     let out = loop.endBody(walkBody(s));             // the continues join in
 *     ...a do-while's condition, a for's update on `out`...
 *     loop.endPass(out, <the state where the loop ends without a break in this pass>);
 *   }
 *   return loop.exit();                               // or: join(walkElse(loop.normalExit), loop.breaks)
 *
 * The state leaving without a break is the head for `while`/`for` (the condition false), `out`
 * for a do-while, and UNREACHABLE for a loop that only a `break` ends (`while (true)`).
 */
export class LoopFixpoint {
  private pass = -1;
  private done = false;
  private head: State;
  private target: JumpTarget | undefined;
  /** Where the loop ended without a break (Python's `else:` runs here), as of the last pass. */
  normalExit: State = UNREACHABLE;
  /** The join of the `break`s out of the loop, as of the last pass. */
  breaks: State = UNREACHABLE;

  constructor(
    private readonly targets: JumpTargets,
    entry: State,
    private readonly labels: readonly string[],
  ) {
    this.head = entry;
  }

  /** The state at the head for one more pass (a copy the front-end may change), or undefined at the fixpoint. */
  nextPass(): State | undefined {
    if (this.done) return undefined;
    this.pass++;
    this.target = this.targets.push(this.labels, 'loop');
    return copy(this.head);
  }

  /** The head state of the current pass (before its condition), e.g. where a `while` leaves when its condition is false. */
  get headState(): State {
    return this.head;
  }

  /** The body walked to `out`: the state at its end, with the `continue`s joined in. */
  endBody(out: State): State {
    this.targets.pop();
    return join(out, this.target!.continues);
  }

  /** The pass ended in state `out` (back at the head); `normalExit` is where it ended without a break. */
  endPass(out: State, normalExit: State): void {
    this.breaks = this.target!.breaks;
    this.normalExit = normalExit;
    const next = join(this.head, out);
    if (sameState(next, this.head) || this.pass === MAX_PASSES - 1) {
      this.done = true;
      return;
    }
    this.head = next;
    // Widen: stop refining the locals; the call counts are already saturated by now.
    if (this.pass === WIDEN_AFTER) widen(this.head);
  }

  /** The state after the loop: its normal end joined with its breaks. */
  exit(): State {
    return join(this.normalExit, this.breaks);
  }
}
