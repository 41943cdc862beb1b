import { describe, expect, it } from 'vitest';
import {
  copy,
  FlowBuilder,
  join,
  mergeAlternatives,
  NEXT_RESULT,
  NOT_RESPONSE,
  NOTHING,
  RESPONSE,
  UNKNOWN,
  UNREACHABLE,
  type State,
} from '../src/flow/index.js';
import type { Exit, FunctionSummary } from '../src/model.js';

/*
 * The flow core driven directly, through a made-up syntax of plain objects with Python's shapes
 * (while/else, try/except/else/finally, `or`, conditional expressions). Nothing here is TypeScript
 * syntax: if the core needed a parser's nodes, this walker could not exist.
 */

type Expr =
  | { e: 'next' } // the next layer called: `self.get_response(request)`
  | { e: 'await'; x: Expr }
  | { e: 'var'; name: string }
  | { e: 'call' } // some other call: may raise, unknown result
  | { e: 'response' } // `HttpResponse(...)`: may raise, a response
  | { e: 'none' }
  | { e: 'true' }
  | { e: 'attr'; x: Expr; name: string }
  | { e: 'or'; a: Expr; b: Expr }
  | { e: 'cond'; c: Expr; a: Expr; b: Expr };

type Stmt =
  | { s: 'set'; name: string; x: Expr }
  | { s: 'do'; x: Expr }
  | { s: 'if'; c: Expr; then: Stmt[]; else?: Stmt[] }
  | { s: 'while'; c: Expr; body: Stmt[]; else?: Stmt[] }
  | { s: 'break' }
  | { s: 'continue' }
  | { s: 'return'; x?: Expr; tag: string }
  | { s: 'raise'; tag: string }
  | { s: 'try'; body: Stmt[]; except?: Stmt[]; catchAll?: boolean; else?: Stmt[]; finally?: Stmt[] };

type Node = Stmt | Expr | Stmt[];

const isBareNext = (x: Expr): boolean => x.e === 'next' || (x.e === 'await' && x.x.e === 'next');

/** The whole walker of the made-up syntax: each construct mapped onto core operations. */
class MiniWalker {
  constructor(readonly flow: FlowBuilder<Node>) {}

  block(body: Stmt[], state: State): State {
    let s = state;
    for (const st of body) if (s.reachable) s = this.stmt(st, s);
    return s;
  }

  stmt(st: Stmt, input: State): State {
    const flow = this.flow;
    const s = copy(input);
    switch (st.s) {
      case 'set': {
        const value = this.expr(st.x, s);
        flow.assign(st.name, value, s, isBareNext(st.x));
        return s;
      }
      case 'do':
        if (this.expr(st.x, s) & NEXT_RESULT && isBareNext(st.x)) flow.drop(s);
        return s;
      case 'if': {
        this.expr(st.c, s);
        return join(this.block(st.then, copy(s)), st.else ? this.block(st.else, copy(s)) : s);
      }
      case 'while': {
        const loop = flow.loop(s);
        for (let head = loop.nextPass(); head; head = loop.nextPass()) {
          this.expr(st.c, head);
          const out = loop.endBody(this.block(st.body, head));
          // Python leaves a loop when the condition is false, after evaluating it; `while True` only by break.
          loop.endPass(out, st.c.e === 'true' ? UNREACHABLE : head);
        }
        // `else:` runs where the loop ended without a break; the breaks skip it.
        const normal = st.else ? this.block(st.else, loop.normalExit) : loop.normalExit;
        return join(normal, loop.breaks);
      }
      case 'break':
      case 'continue':
        return flow.jump(st.s === 'break', undefined, s);
      case 'return':
        if (!st.x) return flow.returnValue(st, NOTHING, false, s);
        return flow.returnValue(st, this.expr(st.x, s), true, s);
      case 'raise':
        return flow.throwValue(st, s);
      case 'try':
        return flow.tryStatement(s, {
          body: (entry) => this.block(st.body, entry),
          handlers: st.except && ((entry) => this.block(st.except!, entry)),
          handlersCatchAll: st.catchAll ?? true,
          orElse: st.else && ((entry) => this.block(st.else!, entry)),
          finally: st.finally && ((entry) => this.block(st.finally!, entry)),
        });
    }
  }

  expr(x: Expr, s: State): number {
    const flow = this.flow;
    switch (x.e) {
      case 'next':
        return flow.callNext(x, s);
      case 'await':
        return flow.awaitValue(x.x, this.expr(x.x, s), s);
      case 'var':
        return flow.readLocal(x.name, s);
      case 'call':
        flow.raise(s);
        return UNKNOWN;
      case 'response':
        flow.raise(s);
        return RESPONSE;
      case 'none':
        return NOTHING;
      case 'true':
        return NOT_RESPONSE;
      case 'attr': {
        const object = this.expr(x.x, s);
        if (flow.member(object, x.name, s)) flow.unawaitedUse({ range: { start: 0, end: 1 }, kind: 'read', member: x.name, text: 'response' });
        return UNKNOWN;
      }
      case 'or': {
        const left = this.expr(x.a, s);
        const right = copy(s);
        const value = this.expr(x.b, right);
        mergeAlternatives(s, s, right);
        return left | value;
      }
      case 'cond': {
        this.expr(x.c, s);
        const a = copy(s);
        const b = copy(s);
        const value = this.expr(x.a, a) | this.expr(x.b, b);
        mergeAlternatives(s, a, b);
        return value;
      }
    }
  }
}

interface Summarised {
  summary: FunctionSummary;
  /** Each exit by the tag of its return or raise (`end` for falling off the end). */
  exits: Record<string, Pick<Exit, 'kind' | 'value' | 'nextCalls' | 'nextResultDropped'> & { returnFix?: string }>;
}

/** Summarises a made-up function `def handler(self, request): <body>`. */
function summarise(body: Stmt[], options: { promiseLike?: boolean; readInNested?: string[] } = {}): Summarised {
  const flow = new FlowBuilder<Node>({ name: 'M.__call__', nameRange: { start: 0, end: 0 }, promiseLike: options.promiseLike ?? false, awaitableMembers: new Set() });
  flow.param('request', 'request');
  for (const name of options.readInNested ?? []) flow.readInNestedScope(name);
  const walker = new MiniWalker(flow);
  const end = walker.block(body, flow.entryState());
  const END = 1_000_000;
  if (end.reachable) {
    const variable = flow.returnFixVariable(end);
    flow.fallOffEnd(body, { start: END, end: END + 1 }, end, variable !== undefined ? { variable, offset: END, indent: '    ' } : undefined);
  }
  // Ranges: a node's position in a pre-order numbering of the statements.
  const position = new Map<Node, number>();
  const tags = new Map<number, string>([[END, 'end']]);
  const number = (stmts: Stmt[]): void => {
    for (const st of stmts) {
      position.set(st, position.size);
      if (st.s === 'return' || st.s === 'raise') tags.set(position.get(st)!, st.tag);
      for (const child of [st.s === 'if' ? st.then : undefined, 'body' in st ? st.body : undefined, 'else' in st ? st.else : undefined, st.s === 'try' ? st.except : undefined, st.s === 'try' ? st.finally : undefined]) if (child) number(child);
    }
  };
  number(body);
  const summary = flow.build({ start: 0, end: END + 1 }, false, (node) => {
    const at = position.get(node);
    if (at === undefined) throw new Error('the core asked for the range of a node it was never given as a key');
    return { start: at, end: at + 1 };
  });
  const exits: Summarised['exits'] = {};
  for (const exit of summary.exits) {
    exits[tags.get(exit.range.start)!] = {
      kind: exit.kind,
      value: exit.value,
      nextCalls: exit.nextCalls,
      nextResultDropped: exit.nextResultDropped,
      ...(exit.returnFix ? { returnFix: exit.returnFix.variable } : {}),
    };
  }
  return { summary, exits };
}

const next = { e: 'next' } as const;
const awaitNext = { e: 'await', x: next } as const;
const call = { e: 'call' } as const;
const response = { e: 'response' } as const;
const v = (name: string) => ({ e: 'var', name }) as const;
const cond = v('flag');

describe('flow core, driven without any parser', () => {
  it('loops reach a fixpoint: a call in a loop that can run again counts as 2+', () => {
    const { exits } = summarise([
      { s: 'set', name: 'r', x: { e: 'none' } },
      { s: 'while', c: cond, body: [{ s: 'set', name: 'r', x: next }] },
      { s: 'return', x: v('r'), tag: 'after' },
    ]);
    expect(exits.after).toMatchObject({ value: ['next', 'nothing'], nextCalls: [0, 1, 2] });
  });

  it('a `while True` loop left by its only break after one call counts exactly one', () => {
    const { exits } = summarise([
      { s: 'while', c: { e: 'true' }, body: [{ s: 'set', name: 'r', x: next }, { s: 'break' }] },
      { s: 'return', x: v('r'), tag: 'after' },
    ]);
    expect(exits.after).toMatchObject({ value: ['next'], nextCalls: [1] });
  });

  it('while/else: the else block runs when the loop ends without a break, and a break skips it', () => {
    const body: Stmt[] = [
      {
        s: 'while',
        c: cond,
        body: [{ s: 'if', c: v('ready'), then: [{ s: 'set', name: 'r', x: next }, { s: 'break' }] }],
        else: [{ s: 'return', x: response, tag: 'else' }],
      },
      { s: 'return', x: v('r'), tag: 'after' },
    ];
    const { exits } = summarise(body);
    expect(exits.else).toMatchObject({ value: ['response'], nextCalls: [0] });
    // Only a break reaches the code after the loop, and every break comes after the call.
    expect(exits.after).toMatchObject({ value: ['next'], nextCalls: [1] });
  });

  it('if/else joins the kinds and the counts of both branches', () => {
    const { exits } = summarise([
      { s: 'if', c: cond, then: [{ s: 'set', name: 'r', x: next }], else: [{ s: 'set', name: 'r', x: response }] },
      { s: 'return', x: v('r'), tag: 'after' },
    ]);
    expect(exits.after).toMatchObject({ value: ['next', 'response'], nextCalls: [0, 1], nextResultDropped: false });
  });

  it('`x if c else y` and `a or b` join their alternatives', () => {
    const { exits } = summarise([{ s: 'return', x: { e: 'or', a: v('cached'), b: { e: 'cond', c: cond, a: next, b: { e: 'none' } } }, tag: 'ret' }]);
    expect(exits.ret).toMatchObject({ value: ['next', 'nothing', 'unknown'], nextCalls: [0, 1] });
  });

  it('try/except retry: the exception out of the next-layer call leaves before the call counts', () => {
    const { exits } = summarise(
      [{ s: 'try', body: [{ s: 'return', x: awaitNext, tag: 'first' }], except: [{ s: 'return', x: awaitNext, tag: 'retry' }] }],
      { promiseLike: true },
    );
    expect(exits.first).toMatchObject({ value: ['next'], nextCalls: [1] });
    expect(exits.retry).toMatchObject({ value: ['next'], nextCalls: [1] });
  });

  it('an operation after the completed call that raises carries the call into the handler', () => {
    const { exits } = summarise(
      [
        {
          s: 'try',
          body: [{ s: 'set', name: 'r', x: awaitNext }, { s: 'do', x: call }, { s: 'return', x: v('r'), tag: 'first' }],
          except: [{ s: 'return', x: awaitNext, tag: 'retry' }],
        },
      ],
      { promiseLike: true },
    );
    expect(exits.retry).toMatchObject({ nextCalls: [1, 2] });
  });

  it('finally runs on the exceptional way out and lets the exception go on to the handler around it', () => {
    const inner = (withFinally: boolean): Stmt => ({
      s: 'try',
      body: [{ s: 'set', name: 'r', x: awaitNext }],
      ...(withFinally ? { finally: [{ s: 'do', x: call }] } : {}),
    });
    const outer = (withFinally: boolean): Stmt[] => [
      { s: 'try', body: [inner(withFinally), { s: 'return', x: v('r'), tag: 'ok' }], except: [{ s: 'return', x: response, tag: 'failed' }] },
    ];
    // Only the call itself can raise: the handler sees no completed call.
    expect(summarise(outer(false), { promiseLike: true }).exits.failed).toMatchObject({ nextCalls: [0] });
    // The finally block's call may raise after the next layer answered: that exception carries the call.
    expect(summarise(outer(true), { promiseLike: true }).exits.failed).toMatchObject({ nextCalls: [0, 1] });
    expect(summarise(outer(true), { promiseLike: true }).exits.ok).toMatchObject({ value: ['next'], nextCalls: [1] });
  });

  it('a raise is an exit unless a handler certainly catches it; one through a finally block still is', () => {
    const caught = summarise([{ s: 'try', body: [{ s: 'raise', tag: 'raise' }], except: [{ s: 'return', x: response, tag: 'handled' }] }]);
    expect(caught.exits.raise).toBeUndefined();
    expect(caught.exits.handled).toMatchObject({ nextCalls: [0] });
    // `except ValueError:` may not match: the raise may leave the function.
    const maybe = summarise([{ s: 'try', body: [{ s: 'raise', tag: 'raise' }], except: [{ s: 'return', x: response, tag: 'handled' }], catchAll: false }]);
    expect(maybe.exits.raise).toMatchObject({ kind: 'throw', value: [] });
    expect(maybe.exits.handled).toBeDefined();
    const through = summarise([{ s: 'try', body: [{ s: 'raise', tag: 'raise' }], finally: [{ s: 'do', x: call }] }]);
    expect(through.exits).toEqual({ raise: { kind: 'throw', value: [], nextCalls: [0], nextResultDropped: false } });
  });

  it('try/else: the else block runs after the body, and its exceptions bypass the except clauses', () => {
    const { exits } = summarise([
      {
        s: 'try',
        body: [{ s: 'do', x: call }],
        except: [{ s: 'return', x: response, tag: 'handled' }],
        else: [{ s: 'set', name: 'r', x: next }, { s: 'do', x: call }, { s: 'return', x: v('r'), tag: 'else' }],
      },
    ]);
    expect(exits.else).toMatchObject({ value: ['next'], nextCalls: [1] });
    // The call after the next layer in the else block raises to the caller, not into the handler.
    expect(exits.handled).toMatchObject({ nextCalls: [0] });
  });

  it('a next result computed as a statement, or stored and never read, is dropped on every path to the exit', () => {
    expect(summarise([{ s: 'do', x: next }, { s: 'return', x: response, tag: 'ret' }]).exits.ret).toMatchObject({ nextResultDropped: true });
    expect(summarise([{ s: 'set', name: 'r', x: next }, { s: 'return', x: response, tag: 'ret' }]).exits.ret).toMatchObject({ nextResultDropped: true });
    // Read on the path: used.
    expect(summarise([{ s: 'set', name: 'r', x: next }, { s: 'do', x: { e: 'attr', x: v('r'), name: 'headers' } }, { s: 'return', x: response, tag: 'ret' }]).exits.ret).toMatchObject({ nextResultDropped: false });
    // Read by a nested function (a lambda, a comprehension): when is unknown, so not dropped.
    expect(summarise([{ s: 'set', name: 'r', x: next }, { s: 'return', x: response, tag: 'ret' }], { readInNested: ['r'] }).exits.ret).toMatchObject({ nextResultDropped: false });
    // Dropped on one branch only: not on every path.
    expect(summarise([{ s: 'if', c: cond, then: [{ s: 'do', x: next }] }, { s: 'return', x: response, tag: 'ret' }]).exits.ret).toMatchObject({ nextResultDropped: false });
  });

  it('falling off the end with the response in a local offers `return <local>`; un-awaited member uses are recorded', () => {
    const { exits, summary } = summarise([{ s: 'set', name: 'response', x: next }, { s: 'do', x: { e: 'attr', x: v('response'), name: 'status_code' } }], { promiseLike: true });
    expect(exits.end).toEqual({ kind: 'implicit', value: ['nothing'], nextCalls: [1], nextResultDropped: false, returnFix: 'response' });
    expect(summary.unawaitedUses).toMatchObject([{ member: 'status_code', kind: 'read' }]);
    const awaited = summarise([{ s: 'set', name: 'response', x: awaitNext }, { s: 'do', x: { e: 'attr', x: v('response'), name: 'status_code' } }, { s: 'return', x: v('response'), tag: 'ret' }], { promiseLike: true });
    expect(awaited.summary.unawaitedUses).toEqual([]);
    expect(awaited.exits.ret).toMatchObject({ value: ['next'], nextCalls: [1] });
  });

  it('a return of nothing and a return of the request are told apart', () => {
    const { exits, summary } = summarise([{ s: 'if', c: cond, then: [{ s: 'return', tag: 'bare' }] }, { s: 'return', x: v('request'), tag: 'req' }]);
    expect(summary.requestParam).toBe('request');
    expect(exits.bare).toMatchObject({ value: ['nothing'] });
    expect(exits.req).toMatchObject({ value: ['notResponse'] });
  });
});
