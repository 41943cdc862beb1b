import type { Completion, Exit, FunctionSummary, LateCompletion, Range, RequestAccess, UnawaitedUse } from '../model.js';
import { ExceptionalEdges, JumpTargets, LoopFixpoint, type TryBlocks } from './control.js';
import {
  addCall,
  awaited,
  CALLS_0,
  callCounts,
  copy,
  kindNames,
  NEXT,
  NEXT_PROMISE,
  NEXT_RESULT,
  NO_SITES,
  NOT_RESPONSE,
  NOTHING,
  removeCall,
  RESPONSE,
  unionSites,
  UNKNOWN,
  UNREACHABLE,
  type State,
} from './state.js';

/*
 * The summary builder: the value semantics of the core (locals, next-layer calls, awaits, member
 * accesses, returns and raises) over the state of ./state.ts and the control flow of ./control.ts,
 * and the records that become one `FunctionSummary`. `N` is the front-end's syntax node type; the
 * core only keeps nodes as keys and asks the front-end for their ranges when it builds the summary.
 * See ./index.ts for the order in which a front-end calls it.
 */

export interface FlowOptions {
  /** `Class.method` or the factory's name, as messages show it. */
  name: string;
  nameRange: Range;
  /** The next layer's result is a promise or coroutine (an async next layer, or an async handler with an untyped one). */
  promiseLike: boolean;
  /** Members of an un-awaited result that are not a misuse of it (JavaScript: `then`, `catch`, `finally`). */
  awaitableMembers: ReadonlySet<string>;
  /**
   * The onion contract (Koa): calling the next layer never raises where it is called (a failure
   * rejects its promise), and the framework counts every call made, so a call whose promise
   * rejected still counts — a retry from a `catch` is a second call (`next() called multiple times`).
   * The summary then also records the onion facts (`floatingNextCall`, `inertNextReference`, `nextHandedOn`).
   */
  onion?: boolean;
  /**
   * Onion only: awaiting the next layer's promise never raises, because the framework hands every
   * error from below to its own error handler and resolves the promise (Hono's compose with
   * `app.onError`). A `catch` around `await next()` alone is then never entered.
   */
  nextNeverRejects?: boolean;
  /**
   * The handler hands its response back as its return value and the framework's context sends
   * nothing by itself (Hono: `return c.json(...)`). The builder then follows, per path, what happens
   * to the context (see `contextHandedOn`, `droppedResponse`) and records it on each exit
   * (`Exit.contextHandedOn`, `Exit.endsWithDroppedResponse`) and in `FunctionSummary.droppedResponses`.
   */
  responses?: boolean;
  /**
   * The linear contract (Express, Connect): a path completes the request by sending a response or
   * calling the next layer, once. The summary then records the completions (`sendResponse`, and
   * every next-layer call), the ones reached after another on the same path, the completion counts
   * at the exits, and the onion's reference facts (`inertNextReference`, `nextHandedOn`).
   */
  linear?: boolean;
}

/*
 * Response facts ride on a ghost local of the state (a name no language can bind), so they join,
 * copy and reach the loop fixpoint like any local without a change to the lattice: its kinds are
 * CONTEXT_* bits, and a join keeps every fact of either path. Any other bit (a widened loop head)
 * reads as "handed on": unknown, so silent.
 */
const CONTEXT = '#context';
/** The path neither called the next layer nor ended with a dropped response (nor handed the context on). */
const CONTEXT_KEPT = 1;
/** The context was handed to code not followed, or a member of it written (`c.res = ...` finalizes it). */
const CONTEXT_HANDED = 2;
/** The path's last statement built a response and dropped it (`c.json(...);`), right before the function's end. */
const CONTEXT_DROPPED_LAST = 4;
/** The path called the next layer. */
const CONTEXT_CALLED = 8;
const CONTEXT_FOLLOWED = CONTEXT_KEPT | CONTEXT_DROPPED_LAST | CONTEXT_CALLED;

/** What a parameter holds. */
export type ParamRole = 'request' | 'response' | 'exception';

interface ExitRecord<N> {
  node: N;
  kind: Exit['kind'];
  value: number;
  calls: number;
  dropped: boolean;
  /** Linear contract: the completion counts (CALLS_* bits). */
  done: number;
  /** Given for an implicit exit (the front-end knows where the function's end is); else the node's range. */
  range?: Range;
  description?: string;
  valueRange?: Range;
  returnFix?: Exit['returnFix'];
  /** With `FlowOptions.responses`: the ghost context kinds of every path reaching the exit (joined). */
  context?: number;
}

/** Details of a return, for messages and fixes. */
export interface ReturnDetails {
  /** The returned expression without parentheses and type-only wrappers. */
  valueRange?: Range | undefined;
  /** Why a `notResponse` value is not a response, e.g. "the request (`req`)", "`true`". */
  description?: string | undefined;
}

export class FlowBuilder<N> {
  /** Exceptional edges and try statements: see ./control.ts. */
  readonly edges = new ExceptionalEdges();
  /** Targets of `break` and `continue`. */
  readonly targets = new JumpTargets();
  /** The first parameter holding the request, when there is one. */
  requestParam: string | undefined;

  private readonly paramKinds = new Map<string, number>();
  private readonly paramDescriptions = new Map<string, string>();
  /** Locals read inside nested functions: when such a read runs is unknown, so it may use a result. */
  private readonly readInNested = new Set<string>();
  /** Locals assigned inside nested functions: their values at any point are unknown. */
  private readonly escaped = new Set<string>();
  private readonly exits = new Map<N, ExitRecord<N>>();
  /** The last next-layer call evaluated and the call counts before it, for `await <that call>`. */
  private lastNextCall: N | undefined;
  private lastNextCallCounts = 0;
  private readonly unawaited = new Map<number, UnawaitedUse>();
  private readonly selfCalls = new Map<N, string>();
  private readonly reads = new Map<string, N>();
  private readonly writes = new Map<string, N>();
  private readonly nextMembers = new Set<string>();
  private readonly nextCallSites: Range[] = [];
  private nextReferenced = false;
  private readonly floating = new Map<number, Range>();
  private readonly inert = new Map<number, Range>();
  private handedOn = false;
  private readonly dropped: Array<{ range: Range; last: boolean }> = [];
  /** Operations that may raise, walked so far (responses: whether a try block raises at all). */
  private raises = 0;
  /** Linear contract: the completion sites met, by node; a site's id is its index in `siteList`. */
  private readonly sites = new Map<N, number>();
  private readonly siteList: Array<{ node: N; kind: Completion['kind'] }> = [];
  /** Linear contract: the completions reached after another, by node, with the ids of those before them. */
  private readonly late = new Map<N, { kind: Completion['kind']; after: Set<number> }>();
  /** Linear contract: completion calls that end a branch (see `Completion.endsBranch`). */
  private readonly branchEnds = new Set<N>();

  constructor(private readonly options: FlowOptions) {}

  // ---- before the walk: what the front-end's scan of the whole function found --------------

  /** A parameter and what it holds; the first `request` one is the request parameter. */
  param(name: string, role: ParamRole): void {
    if (role === 'request') {
      this.requestParam ??= name;
      this.paramKinds.set(name, NOT_RESPONSE);
      this.paramDescriptions.set(name, `the request (\`${name}\`)`);
    } else {
      this.paramKinds.set(name, role === 'response' ? RESPONSE : NOT_RESPONSE);
      if (role === 'exception') this.paramDescriptions.set(name, `the exception (\`${name}\`)`);
    }
  }

  /** A local read inside a nested function (or lambda, comprehension...): its stored next result is never taken as dropped. */
  readInNestedScope(name: string): void {
    this.readInNested.add(name);
  }

  /** A local assigned inside a nested function: its value is unknown everywhere. */
  assignedInNestedScope(name: string): void {
    this.escaped.add(name);
  }

  /** Any reference to the next layer, nested functions included (or a call that may reach it, like `super().__call__`). */
  referencesNext(): void {
    this.nextReferenced = true;
  }

  /** A call of the next layer, nested functions included. */
  nextCallSite(range: Range): void {
    this.nextCallSites.push(range);
  }

  /** Onion contract: a reference to the next layer that certainly neither calls it nor hands it on (`await next;`). */
  inertNextReference(range: Range): void {
    this.inert.set(range.start, range);
  }

  /** Onion contract: a reference that hands the next layer on (an argument, a store): it may be called elsewhere. */
  nextHandedOn(): void {
    this.handedOn = true;
  }

  /** A `this.<member>` / `self.<member>` that the front-end treated as the next layer. */
  nextMember(name: string): void {
    this.nextMembers.add(name);
  }

  // ---- the walk: states --------------------------------------------------------------------

  /** The state at the function's entry: the parameters bound, no call made. */
  entryState(): State {
    const entry: State = { reachable: true, calls: CALLS_0, vars: new Map(), dropped: false, nextVar: undefined, done: CALLS_0, doneAt: NO_SITES };
    for (const [name, kind] of this.paramKinds) entry.vars.set(name, kind);
    if (this.options.responses) entry.vars.set(CONTEXT, CONTEXT_KEPT);
    return entry;
  }

  /** An operation that may raise (a call, a member access, an await...), in state `s`. */
  raise(s: State): void {
    if (s.reachable) this.raises++;
    this.edges.raise(s);
  }

  /** A try statement in state `s`: see `ExceptionalEdges.tryStatement`. */
  tryStatement(s: State, blocks: TryBlocks): State {
    const walkCatch = blocks.handlers;
    if (!this.options.responses || !walkCatch) return this.edges.tryStatement(s, blocks);
    // Responses: a catch clause whose try block raises nothing (Hono's `try { await next() } catch`,
    // which never runs) is still read, from the state before the try; its paths prove nothing.
    let raised = true;
    return this.edges.tryStatement(s, {
      ...blocks,
      body: (entry) => {
        const before = this.raises;
        const out = blocks.body(entry);
        raised = this.raises > before;
        return out;
      },
      handlers: (entry) => {
        if (!raised) this.contextHandedOn(entry);
        return walkCatch(entry);
      },
    });
  }

  /** A loop entered in state `s`: see `LoopFixpoint`. */
  loop(s: State, labels: readonly string[] = NO_LABELS): LoopFixpoint {
    return new LoopFixpoint(this.targets, s, labels);
  }

  /** `break` / `continue` in state `s`; returns the (unreachable) state after it. */
  jump(isBreak: boolean, label: string | undefined, s: State): State {
    return this.targets.jump(isBreak, label, s);
  }

  // ---- the walk: values --------------------------------------------------------------------

  /** A read of a local: its kinds; reading a local that holds a next result uses it. */
  readLocal(name: string, s: State): number {
    if (this.escaped.has(name)) return UNKNOWN;
    const value = s.vars.get(name) ?? UNKNOWN;
    if (value & NEXT_RESULT) s.dropped = false;
    return value;
  }

  /** A value flowing somewhere (an argument, a property, an operand): a next result in it is used. */
  use(value: number, s: State): void {
    if (value & NEXT_RESULT) s.dropped = false;
  }

  /**
   * A value stored in a local. `bareNextCall`: the value is the result of a next-layer call right
   * there (`response = next(request)`), so the local holds it until overwritten, and the result
   * is dropped until a read of the local on the path uses it.
   */
  assign(name: string, value: number, s: State, bareNextCall: boolean): void {
    s.vars.set(name, value);
    if (bareNextCall && value & NEXT_RESULT) {
      s.nextVar = name;
      if (!this.readInNested.has(name)) s.dropped = true;
    } else if (s.nextVar === name) s.nextVar = undefined;
  }

  /** A next-layer result computed as a statement of its own: dropped on the spot. */
  drop(s: State): void {
    s.dropped = true;
  }

  /**
   * A call of the next layer (its arguments already evaluated in `s`): the edge out of a call that
   * raised leaves before the call counts. Returns the kinds of its result.
   */
  callNext(call: N, s: State): number {
    if (!this.options.onion) this.raise(s);
    this.lastNextCall = call;
    this.lastNextCallCounts = s.calls;
    s.calls = addCall(s.calls);
    this.contextNoLongerKept(s, CONTEXT_CALLED);
    this.complete('next', call, s);
    return this.options.promiseLike ? NEXT_PROMISE : NEXT;
  }

  /**
   * Linear contract: a call that sends the response (`res.json(...)`), evaluated in `s` (its edge
   * out when it raised already taken: a send that raised sent nothing).
   */
  sendResponse(call: N, s: State): void {
    this.complete('send', call, s);
  }

  /** Linear contract: the completion call `node` is a statement that ends an `if`/`else` branch or a `case` (see `Completion.endsBranch`). */
  endsBranch(node: N): void {
    this.branchEnds.add(node);
  }

  /**
   * Linear contract: the code tests whether the response went out (`res.headersSent`) in state `s`:
   * the completions before are known to it, so none of them makes a later completion late.
   */
  responseStateKnown(s: State): void {
    if (this.options.linear && s.reachable) s.doneAt = NO_SITES;
  }

  /** Linear contract: a completion at `node` in state `s`; recorded as late when some path here already completed. */
  private complete(kind: Completion['kind'], node: N, s: State): void {
    if (!this.options.linear || !s.reachable) return;
    let id = this.sites.get(node);
    if (id === undefined) {
      id = this.siteList.length;
      this.sites.set(node, id);
      this.siteList.push({ node, kind });
    }
    if (s.doneAt.size > 0) {
      const record = this.late.get(node) ?? { kind, after: new Set<number>() };
      for (const before of s.doneAt) record.after.add(before);
      this.late.set(node, record);
    }
    s.done = addCall(s.done);
    s.doneAt = unionSites(s.doneAt, new Set([id]));
  }

  /**
   * `await` of an operand (already evaluated in `s` to `kinds`; `operand` is its node without
   * parentheses): the awaited kinds. An await may raise: if it awaits the next-layer call just made,
   * the layer raised and that call produced no response; a stored promise of the next layer that
   * rejects takes one counted call back.
   */
  awaitValue(operand: N, kinds: number, s: State): number {
    if (this.options.onion) {
      // Onion: every call made counts, whether its promise resolves or rejects.
      // Unless the framework settles the next layer's promise itself (Hono), awaiting it may raise.
      if (kinds & (this.options.nextNeverRejects === true ? UNKNOWN : NEXT_PROMISE | UNKNOWN)) this.raise(s);
    } else if (this.lastNextCall !== undefined && this.lastNextCall === operand) {
      const r = copy(s);
      r.calls = this.lastNextCallCounts;
      this.raise(r);
    } else if (kinds & NEXT_PROMISE) {
      // If the value may also be something else, the state as it is joins too.
      const r = copy(s);
      r.calls = kinds === NEXT_PROMISE ? removeCall(s.calls) : s.calls | removeCall(s.calls);
      this.raise(r);
    } else if (kinds & UNKNOWN) this.raise(s);
    return awaited(kinds);
  }

  /**
   * A member of a value read, written or called (`x.attr`, `x[k]`), the object evaluated to
   * `objectKinds`: uses a next result held by it, and may raise. Returns true when the member is
   * taken on the next layer's un-awaited result (record it with `unawaitedUse`).
   */
  member(objectKinds: number, member: string | undefined, s: State): boolean {
    if (objectKinds & NEXT_RESULT) s.dropped = false;
    // A member of `null` / `None` (or a getter) raises.
    this.raise(s);
    return objectKinds === NEXT_PROMISE && member !== undefined && !this.options.awaitableMembers.has(member);
  }

  /**
   * Onion contract: a call of the next layer whose promise is discarded where it is made (a statement
   * of its own, `void next()`), in a reachable state; one per start offset.
   */
  floatingNextCall(range: Range): void {
    if (this.options.onion) this.floating.set(range.start, range);
  }

  /**
   * Responses only: from here on, the paths through `s` handed the context to code the walk does not
   * follow (an argument, a store, a closure, a method not known) or wrote a member of it: that code
   * may have sent the response, so exits reached from here prove nothing about one.
   */
  contextHandedOn(s: State): void {
    if (this.options.responses && s.reachable) s.vars.set(CONTEXT, (s.vars.get(CONTEXT) ?? CONTEXT_HANDED) | CONTEXT_HANDED);
  }

  /**
   * Responses only: a statement that builds a response and drops it (`c.json(...);`), `range` the
   * dropped expression. `last`: nothing runs between it and the function's end (the front-end's
   * syntax says so), so inserting `return ` before it makes that path return the response.
   */
  droppedResponse(range: Range, last: boolean, s: State): void {
    if (!this.options.responses || !s.reachable) return;
    if (!this.dropped.some((d) => d.range.start === range.start)) this.dropped.push({ range, last });
    if (last) this.contextNoLongerKept(s, CONTEXT_DROPPED_LAST);
  }

  private contextNoLongerKept(s: State, fact: number): void {
    if (this.options.responses && s.reachable) s.vars.set(CONTEXT, ((s.vars.get(CONTEXT) ?? CONTEXT_HANDED) & ~CONTEXT_KEPT) | fact);
  }

  /** A member of the un-awaited next result used as if it were the response; one per start offset. */
  unawaitedUse(use: UnawaitedUse): void {
    this.unawaited.set(use.range.start, use);
  }

  /** A member of the local `object` read or written (`node`): recorded when it is the request, before any next-layer call. */
  requestAccess(object: string, member: string, how: 'read' | 'write', s: State, node: N): void {
    if (object !== this.requestParam || !(s.calls & CALLS_0) || s.vars.get(object) !== NOT_RESPONSE) return;
    const target = how === 'write' ? this.writes : this.reads;
    if (!target.has(member)) target.set(member, node);
  }

  /** A call of `this.<name>` / `self.<name>` (`node` is the callee), for store-next. */
  selfCall(name: string, node: N): void {
    this.selfCalls.set(node, name);
  }

  /** The description of a local that is certainly not a response (a parameter's), for messages. */
  describeLocal(name: string): string | undefined {
    return this.paramDescriptions.get(name);
  }

  // ---- the walk: exits ---------------------------------------------------------------------

  /** `return <value>` (or `return` with no value: `hasValue` false, kinds NOTHING) in state `s`. The state after it is unreachable. */
  returnValue(node: N, value: number, hasValue: boolean, s: State, details?: ReturnDetails): State {
    if (hasValue && value & NEXT_RESULT) s.dropped = false;
    this.recordReturn(node, value, s, details);
    // A return runs the enclosing finally block on its way out.
    this.edges.returnThrough(s);
    return UNREACHABLE;
  }

  /** An expression body (a lambda's, an arrow's) returning `value` in state `s`; no finally block can be around it. */
  expressionBody(node: N, value: number, s: State, details?: ReturnDetails): void {
    this.recordReturn(node, value, s, details);
  }

  private recordReturn(node: N, value: number, s: State, details: ReturnDetails | undefined): void {
    const record: ExitRecord<N> = { node, kind: 'return', value, calls: s.calls, dropped: s.dropped, done: s.done, ...this.contextAt(s) };
    if (details?.valueRange) record.valueRange = details.valueRange;
    if (details?.description !== undefined) record.description = details.description;
    this.recordExit(record);
  }

  /** `throw` / `raise` in state `s` (its operand evaluated): an exit unless a handler certainly catches it. The state after it is unreachable. */
  throwValue(node: N, s: State): State {
    if (!this.edges.caught) this.recordExit({ node, kind: 'throw', value: 0, calls: s.calls, dropped: s.dropped, done: s.done });
    this.raise(s);
    return UNREACHABLE;
  }

  /**
   * The variable a `return <variable>` fix could return where the function falls off its end in
   * state `end`: the one holding the next layer's result and nothing else.
   */
  returnFixVariable(end: State): string | undefined {
    const fixVar = end.nextVar;
    if (fixVar === undefined) return undefined;
    const kinds = end.vars.get(fixVar);
    return kinds !== undefined && (kinds & ~NEXT_RESULT) === 0 ? fixVar : undefined;
  }

  /** Falling off the end in state `end` (reachable); `range` is the end of the function (its closing brace). */
  fallOffEnd(node: N, range: Range, end: State, returnFix?: Exit['returnFix']): void {
    const record: ExitRecord<N> = { node, kind: 'implicit', value: NOTHING, calls: end.calls, dropped: end.dropped, done: end.done, range, ...this.contextAt(end) };
    if (returnFix) record.returnFix = returnFix;
    this.recordExit(record);
  }

  /** Responses only: the ghost context kinds at an exit in state `s`. */
  private contextAt(s: State): { context?: number } {
    return this.options.responses ? { context: s.vars.get(CONTEXT) ?? CONTEXT_HANDED } : {};
  }

  /** An exit reached again (in a loop's later pass, through another finally walk) joins into its first record. */
  private recordExit(r: ExitRecord<N>): void {
    const prev = this.exits.get(r.node);
    if (!prev) {
      this.exits.set(r.node, r);
      return;
    }
    prev.value |= r.value;
    prev.calls |= r.calls;
    prev.done |= r.done;
    prev.dropped = prev.dropped && r.dropped;
    if (prev.context !== undefined || r.context !== undefined) prev.context = (prev.context ?? CONTEXT_HANDED) | (r.context ?? CONTEXT_HANDED);
    if (prev.description !== r.description) delete prev.description;
    if (!r.returnFix || prev.returnFix?.variable !== r.returnFix.variable) delete prev.returnFix;
  }

  // ---- after the walk ------------------------------------------------------------------------

  /** The summary; `rangeOf` gives the range of a node the core kept (a return, a throw, a member access, a callee). */
  build(range: Range, async: boolean, rangeOf: (node: N) => Range): FunctionSummary {
    const linear = this.options.linear === true;
    const exits: Exit[] = [...this.exits.values()].map((r) => toExit(r, rangeOf, linear)).sort((a, b) => a.range.start - b.range.start);
    const accesses = (m: Map<string, N>): RequestAccess[] => [...m].map(([attribute, node]) => ({ attribute, range: rangeOf(node) }));
    return {
      name: this.options.name,
      nameRange: this.options.nameRange,
      range,
      async,
      ...(this.requestParam !== undefined ? { requestParam: this.requestParam } : {}),
      exits,
      nextReferenced: this.nextReferenced,
      nextCallSites: this.nextCallSites,
      unawaitedUses: [...this.unawaited.values()],
      thisCalls: [...this.selfCalls].map(([node, name]) => ({ name, range: rangeOf(node) })),
      nextMembers: [...this.nextMembers],
      requestReadsBeforeNext: accesses(this.reads),
      requestWritesBeforeNext: accesses(this.writes),
      ...(this.options.onion
        ? { floatingNextCalls: [...this.floating.values()], inertNextReferences: [...this.inert.values()], nextHandedOn: this.handedOn }
        : {}),
      ...(this.options.responses ? { droppedResponses: this.dropped } : {}),
      ...(linear ? this.linearFacts(rangeOf) : {}),
    };
  }

  /** Linear contract: the sends, the late completions and the reference facts, in source order. */
  private linearFacts(rangeOf: (node: N) => Range): Pick<FunctionSummary, 'responseSends' | 'lateCompletions' | 'inertNextReferences' | 'nextHandedOn'> {
    const byStart = (a: { range: Range }, b: { range: Range }) => a.range.start - b.range.start;
    const site = (id: number): Completion => {
      const { kind, node } = this.siteList[id]!;
      return { kind, range: rangeOf(node), ...(this.branchEnds.has(node) ? { endsBranch: true } : {}) };
    };
    const late: LateCompletion[] = [...this.late].map(([node, r]) => ({ kind: r.kind, range: rangeOf(node), after: [...r.after].map(site).sort(byStart) }));
    return {
      responseSends: this.siteList.filter((x) => x.kind === 'send').map((x) => rangeOf(x.node)).sort((a, b) => a.start - b.start),
      lateCompletions: late.sort(byStart),
      inertNextReferences: [...this.inert.values()],
      nextHandedOn: this.handedOn,
    };
  }
}

const NO_LABELS: readonly string[] = [];

function toExit<N>(r: ExitRecord<N>, rangeOf: (node: N) => Range, linear: boolean): Exit {
  return {
    kind: r.kind,
    range: r.range ?? rangeOf(r.node),
    value: r.kind === 'throw' ? [] : kindNames(r.value),
    nextCalls: callCounts(r.calls),
    nextResultDropped: r.dropped,
    ...(r.description !== undefined ? { valueDescription: r.description } : {}),
    ...(r.valueRange ? { valueRange: r.valueRange } : {}),
    ...(r.returnFix ? { returnFix: r.returnFix } : {}),
    ...(r.context !== undefined
      ? { contextHandedOn: (r.context & ~CONTEXT_FOLLOWED) !== 0, endsWithDroppedResponse: (r.context & CONTEXT_DROPPED_LAST) !== 0 && (r.context & CONTEXT_KEPT) === 0 }
      : {}),
    ...(linear ? { completions: callCounts(r.done) } : {}),
  };
}
