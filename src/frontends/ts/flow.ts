import type { ts } from 'ts-morph';
import { rangeOf, stripParens } from './syntax.js';
import { T } from './typescript.js';
import type { Exit, FunctionSummary, Range, RequestAccess, ThisCall, UnawaitedUse, ValueKind } from '../../model.js';

/*
 * Flow summaries: an abstract interpretation of one handler or hook over its control flow.
 * States are joined per program point (never enumerated per path), so the cost stays linear in
 * the size of the function; loops iterate to a fixpoint over a small finite lattice.
 */

// Value kinds as bits, so a set of kinds is one number and a join is a bitwise or.
const NEXT = 1;
const NEXT_PROMISE = 2;
const RESPONSE = 4;
const NOTHING = 8;
const NOT_RESPONSE = 16;
const UNKNOWN = 32;
const KIND_NAMES: Array<[number, ValueKind]> = [
  [NEXT, 'next'],
  [NEXT_PROMISE, 'nextPromise'],
  [RESPONSE, 'response'],
  [NOTHING, 'nothing'],
  [NOT_RESPONSE, 'notResponse'],
  [UNKNOWN, 'unknown'],
];

// Possible next-layer call counts as bits: 0 calls, 1 call, 2 or more.
const CALLS_0 = 1;
const CALLS_1 = 2;
const CALLS_2 = 4;

function addCall(mask: number): number {
  return (mask & CALLS_0 ? CALLS_1 : 0) | (mask & (CALLS_1 | CALLS_2) ? CALLS_2 : 0);
}

/** The counts with one completed call taken back (2 means 2+, so it may become 1 or stay 2+). */
function removeCall(mask: number): number {
  return (mask & (CALLS_0 | CALLS_1) ? CALLS_0 : 0) | (mask & CALLS_2 ? CALLS_1 | CALLS_2 : 0);
}

interface State {
  reachable: boolean;
  calls: number;
  vars: Map<string, number>;
  /** Must-information: on every path here, a next-layer result was computed and never used. */
  dropped: boolean;
  /** The variable that last received the next layer's result, while it still holds it. */
  nextVar: string | undefined;
}

const UNREACHABLE: State = { reachable: false, calls: 0, vars: new Map(), dropped: false, nextVar: undefined };

function copy(s: State): State {
  return { ...s, vars: new Map(s.vars) };
}

function join(a: State, b: State): State {
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
  };
}

function sameState(a: State, b: State): boolean {
  if (a.reachable !== b.reachable || a.calls !== b.calls || a.dropped !== b.dropped || a.nextVar !== b.nextVar) return false;
  if (a.vars.size !== b.vars.size) return false;
  for (const [k, v] of a.vars) if (b.vars.get(k) !== v) return false;
  return true;
}

/** How the next layer is reached from inside the function being summarised. */
export interface NextAccess {
  /** Identifiers bound to the next layer (a factory's parameter). */
  identifiers: Set<string>;
  /** `this.<member>` names that hold the next layer. */
  members: Set<string>;
  /** The next layer's result is a promise (async next layer, or an async handler with an untyped one). */
  promiseLike: boolean;
}

export interface SummaryOptions {
  name: string;
  nameRange: Range;
  next: NextAccess;
  /** A parameter (by position) and what it holds: a hook's response or exception parameter. */
  paramKinds?: Array<{ index: number; kind: 'response' | 'exception' }>;
}

interface ExitRecord {
  node: ts.Node;
  kind: Exit['kind'];
  value: number;
  calls: number;
  dropped: boolean;
  description?: string;
  valueRange?: Range;
  returnFix?: Exit['returnFix'];
}

interface JumpTarget {
  labels: string[];
  isLoop: boolean;
  isSwitch: boolean;
  breaks: State;
  continues: State;
}

/*
 * Exceptional edges. Every operation that may raise (a call, `new`, a property access, an `await`,
 * a destructuring, a `throw`) joins its state into the innermost handler around it: the `catch`
 * clause of the try block it is in, or a `finally` block, which runs and lets the exception go on to
 * the next handler out. The state on the edge out of a next-layer call is the state BEFORE the call:
 * a call that raised produced no response and does not count as a completed call, so a retry from
 * the `catch` is one call, while an operation after the call that raises carries the call with it.
 *
 * This class touches no syntax: a front-end calls `raise` at each operation that may raise,
 * `returnThrough` at each return, and `tryStatement` with its own walks of the three blocks.
 */
interface Handler {
  /** `catch`: the try block of a try with a catch clause; `finally`: a region whose exceptions run a finally block first. */
  kind: 'catch' | 'finally';
  /** The join of the states at every point of the region that may raise. */
  raised: State;
}

class ExceptionalEdges {
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

  /** A `throw` here is caught in this function (else it is an exit of it). */
  get caught(): boolean {
    return this.handlers.some((h) => h.kind === 'catch');
  }

  /** A return (or a finally block it ran) leaving through the enclosing finally block, if any. */
  returnThrough(s: State): void {
    const frame = this.finallies[this.finallies.length - 1];
    if (frame && s.reachable) frame.returns = join(frame.returns, s);
  }

  /**
   * A try statement entered in state `s`: walks its blocks (each walk takes the entry state and
   * returns the state at the block's normal end) and returns the state after the statement.
   */
  tryStatement(s: State, walkTry: (entry: State) => State, walkCatch: ((entry: State) => State) | undefined, walkFinally: ((entry: State) => State) | undefined): State {
    const frame = walkFinally ? { returns: UNREACHABLE } : undefined;
    if (frame) this.finallies.push(frame);
    // Exceptions raised in the try block enter the catch clause, or else run the finally block.
    const tryHandler: Handler = { kind: walkCatch ? 'catch' : 'finally', raised: UNREACHABLE };
    this.handlers.push(tryHandler);
    const tryOut = walkTry(copy(s));
    this.handlers.pop();
    let normal = tryOut;
    /** Exceptions that run the finally block and then go on to the enclosing handler. */
    let propagating = walkCatch ? UNREACHABLE : tryHandler.raised;
    if (walkCatch) {
      // When nothing in the try block may raise (as far as the front-end sees), the state before it
      // still reads the catch clause, as an exception at its very start would.
      const catchHandler: Handler = { kind: 'finally', raised: UNREACHABLE };
      if (frame) this.handlers.push(catchHandler);
      const catchOut = walkCatch(copy(tryHandler.raised.reachable ? tryHandler.raised : s));
      if (frame) {
        this.handlers.pop();
        propagating = catchHandler.raised;
      }
      normal = join(tryOut, catchOut);
    }
    if (!walkFinally || !frame) return normal;
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


const RESPONSE_FACTORY_METHODS = new Set(['json', 'redirect', 'error']);

function endsWithResponse(e: ts.Expression): boolean {
  const inner = stripParens(e);
  if (T.isIdentifier(inner)) return /Response$/.test(inner.text);
  if (T.isPropertyAccessExpression(inner)) return /Response$/.test(inner.name.text);
  return false;
}

function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return T.isFunctionDeclaration(node) || T.isFunctionExpression(node) || T.isArrowFunction(node) || T.isMethodDeclaration(node) || T.isConstructorDeclaration(node) || T.isGetAccessorDeclaration(node) || T.isSetAccessorDeclaration(node);
}

/** Summarises one handler or hook. */
export function summarize(fn: ts.FunctionLikeDeclaration, sf: ts.SourceFile, options: SummaryOptions): FunctionSummary {
  return new Summarizer(fn, sf, options).run();
}

class Summarizer {
  private readonly exits = new Map<ts.Node, ExitRecord>();
  private readonly targets: JumpTarget[] = [];
  private readonly edges = new ExceptionalEdges();
  /** The last next-layer call evaluated and the call counts before it, for `await <that call>`. */
  private lastNextCall: { node: ts.CallExpression; calls: number } | undefined;
  private readonly paramKind = new Map<string, number>();
  private readonly paramDescription = new Map<string, string>();
  private readonly requestParam: string | undefined;
  private readonly readCounts = new Map<string, number>();
  /** Locals read inside nested functions: when such a read runs is unknown, so it may use a result. */
  private readonly readInNested = new Set<string>();
  private readonly aliases = new Set<string>();
  /** Locals assigned inside nested functions: their values at any point are unknown. */
  private readonly escaped = new Set<string>();
  private readonly unawaited = new Map<number, UnawaitedUse>();
  private readonly thisCalls = new Map<number, ThisCall>();
  private readonly reads = new Map<string, RequestAccess>();
  private readonly writes = new Map<string, RequestAccess>();
  private readonly nextMembersUsed = new Set<string>();
  private readonly nextCallSites: Range[] = [];
  private nextReferenced = false;
  private pendingLabels: string[] = [];

  constructor(
    private readonly fn: ts.FunctionLikeDeclaration,
    private readonly sf: ts.SourceFile,
    private readonly options: SummaryOptions,
  ) {
    const first = fn.parameters[0];
    if (first && T.isIdentifier(first.name)) {
      this.requestParam = first.name.text;
      this.paramKind.set(first.name.text, NOT_RESPONSE);
      this.paramDescription.set(first.name.text, `the request (\`${first.name.text}\`)`);
    }
    for (const { index, kind } of options.paramKinds ?? []) {
      const p = fn.parameters[index];
      if (!p || !T.isIdentifier(p.name)) continue;
      this.paramKind.set(p.name.text, kind === 'response' ? RESPONSE : NOT_RESPONSE);
      if (kind === 'exception') this.paramDescription.set(p.name.text, `the exception (\`${p.name.text}\`)`);
    }
    this.prescan();
  }

  /**
   * One syntactic pass over the whole function, nested functions included: which locals are read,
   * which locals alias the next layer, and every reference to and call of the next layer.
   */
  private prescan(): void {
    const visit = (node: ts.Node): void => {
      if (T.isVariableDeclaration(node) && node.initializer) {
        if (T.isIdentifier(node.name) && this.isNextRef(node.initializer, true)) this.aliases.add(node.name.text);
        // `const { getResponse } = this`
        if (T.isObjectBindingPattern(node.name) && stripParens(node.initializer).kind === T.SyntaxKind.ThisKeyword) {
          for (const el of node.name.elements) {
            const prop = el.propertyName && T.isIdentifier(el.propertyName) ? el.propertyName.text : T.isIdentifier(el.name) ? el.name.text : undefined;
            if (prop && this.options.next.members.has(prop) && T.isIdentifier(el.name)) {
              this.aliases.add(el.name.text);
              this.nextMembersUsed.add(prop);
            }
          }
        }
      }
      if (T.isIdentifier(node) && isReadReference(node)) this.readCounts.set(node.text, (this.readCounts.get(node.text) ?? 0) + 1);
      T.forEachChild(node, visit);
    };
    const nestedReads = (node: ts.Node, inside: boolean): void => {
      if (inside && T.isIdentifier(node) && isReadReference(node)) this.readInNested.add(node.text);
      T.forEachChild(node, (child) => nestedReads(child, inside || isFunctionLike(child)));
    };
    if (this.fn.body) nestedReads(this.fn.body, false);
    if (this.fn.body) visit(this.fn.body);
    const nested = (node: ts.Node, inside: boolean): void => {
      if (inside && T.isBinaryExpression(node) && node.operatorToken.kind >= T.SyntaxKind.FirstAssignment && node.operatorToken.kind <= T.SyntaxKind.LastAssignment) {
        for (const name of assignedNames(node.left)) this.escaped.add(name);
      }
      if (inside && (T.isPrefixUnaryExpression(node) || T.isPostfixUnaryExpression(node)) && T.isIdentifier(node.operand)) this.escaped.add(node.operand.text);
      T.forEachChild(node, (child) => nested(child, inside || isFunctionLike(child)));
    };
    if (this.fn.body) nested(this.fn.body, false);
    const ownName = this.fn.name && T.isIdentifier(this.fn.name) ? this.fn.name.text : undefined;
    const refs = (node: ts.Node): void => {
      // `super.call(request)` runs the base class's handler, which may call the next layer: the
      // handler does not provably skip it (its value stays unknown, its calls uncounted).
      if (
        ownName !== undefined &&
        T.isCallExpression(node) &&
        T.isPropertyAccessExpression(node.expression) &&
        node.expression.expression.kind === T.SyntaxKind.SuperKeyword &&
        node.expression.name.text === ownName
      ) {
        this.nextReferenced = true;
      }
      if (T.isExpression(node) && this.isNextRef(node, false)) {
        this.nextReferenced = true;
        const parent = node.parent;
        if (parent && T.isCallExpression(parent) && parent.expression === node) this.nextCallSites.push(rangeOf(parent, this.sf));
        else if (parent && T.isPropertyAccessExpression(parent) && parent.expression === node && (parent.name.text === 'call' || parent.name.text === 'apply') && T.isCallExpression(parent.parent) && parent.parent.expression === parent) {
          this.nextCallSites.push(rangeOf(parent.parent, this.sf));
        }
        return;
      }
      T.forEachChild(node, refs);
    };
    if (this.fn.body) refs(this.fn.body);
  }

  /** Whether an expression denotes the next layer itself (not a call of it). */
  private isNextRef(expr: ts.Expression, forAlias: boolean): boolean {
    const e = stripParens(expr);
    if (T.isIdentifier(e)) return this.options.next.identifiers.has(e.text) || this.aliases.has(e.text);
    if (T.isPropertyAccessExpression(e)) {
      if (e.expression.kind === T.SyntaxKind.ThisKeyword) {
        const name = T.isPrivateIdentifier(e.name) ? e.name.text : e.name.text;
        if (this.options.next.members.has(name)) {
          this.nextMembersUsed.add(name);
          return true;
        }
        return false;
      }
      // `this.getResponse.bind(this)` aliases the next layer.
      if (forAlias && e.name.text === 'bind') return this.isNextRef(e.expression, false);
    }
    if (forAlias && T.isCallExpression(e) && T.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'bind') {
      return this.isNextRef(e.expression.expression, false);
    }
    return false;
  }

  /** A call of the next layer: `next(request)`, `this.getResponse(request)`, `next.call(this, request)`. */
  private isNextCall(e: ts.CallExpression): boolean {
    if (this.isNextRef(e.expression, false)) return true;
    const callee = stripParens(e.expression);
    return T.isPropertyAccessExpression(callee) && (callee.name.text === 'call' || callee.name.text === 'apply') && this.isNextRef(callee.expression, false);
  }

  run(): FunctionSummary {
    const fn = this.fn;
    const entry: State = { reachable: true, calls: CALLS_0, vars: new Map(), dropped: false, nextVar: undefined };
    for (const [name, kind] of this.paramKind) entry.vars.set(name, kind);
    let end: State;
    if (fn.body && T.isBlock(fn.body)) {
      end = this.block(fn.body.statements, entry);
      if (end.reachable) {
        const close = fn.body.getEnd() - 1;
        const record: ExitRecord = { node: fn.body, kind: 'implicit', value: NOTHING, calls: end.calls, dropped: end.dropped };
        const fixVar = end.nextVar;
        if (fixVar !== undefined && end.vars.get(fixVar) !== undefined && (end.vars.get(fixVar)! & ~(NEXT | NEXT_PROMISE)) === 0) {
          record.returnFix = { variable: fixVar, offset: this.lineStartOf(close), indent: this.bodyIndent(fn.body) };
        }
        this.recordExit(record);
      }
    } else if (fn.body) {
      const state = copy(entry);
      const value = this.expr(fn.body as ts.Expression, state);
      this.recordExit({ node: fn.body, kind: 'return', value, calls: state.calls, dropped: state.dropped, valueRange: rangeOf(stripParens(fn.body as ts.Expression), this.sf), description: this.describe(fn.body as ts.Expression) });
    }
    const exits: Exit[] = [...this.exits.values()].map((r) => this.toExit(r)).sort((a, b) => a.range.start - b.range.start);
    return {
      name: this.options.name,
      nameRange: this.options.nameRange,
      range: rangeOf(fn, this.sf),
      async: isAsync(fn),
      ...(this.requestParam !== undefined ? { requestParam: this.requestParam } : {}),
      exits,
      nextReferenced: this.nextReferenced,
      nextCallSites: this.nextCallSites,
      unawaitedUses: [...this.unawaited.values()],
      thisCalls: [...this.thisCalls.values()],
      nextMembers: [...this.nextMembersUsed],
      requestReadsBeforeNext: [...this.reads.values()],
      requestWritesBeforeNext: [...this.writes.values()],
    };
  }

  private lineStartOf(offset: number): number {
    const text = this.sf.text;
    let i = offset;
    while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
    return i;
  }

  /** Indentation of the body's statements (or one level deeper than the closing brace). */
  private bodyIndent(body: ts.Block): string {
    const text = this.sf.text;
    const last = body.statements[body.statements.length - 1];
    const at = last ? last.getStart(this.sf) : body.getEnd() - 1;
    const indent = /^[ \t]*/.exec(text.slice(this.lineStartOf(at)))![0];
    return last ? indent : `${indent}  `;
  }

  private toExit(r: ExitRecord): Exit {
    const node = r.node;
    let range: Range;
    if (r.kind === 'implicit') range = { start: node.getEnd() - 1, end: node.getEnd() };
    else if (T.isReturnStatement(node) || T.isThrowStatement(node)) range = rangeOf(node, this.sf);
    else range = rangeOf(node, this.sf);
    const value: ValueKind[] = r.kind === 'throw' ? [] : KIND_NAMES.filter(([bit]) => r.value & bit).map(([, name]) => name);
    const calls: Array<0 | 1 | 2> = [];
    if (r.calls & CALLS_0) calls.push(0);
    if (r.calls & CALLS_1) calls.push(1);
    if (r.calls & CALLS_2) calls.push(2);
    return {
      kind: r.kind,
      range,
      value,
      nextCalls: calls,
      nextResultDropped: r.dropped,
      ...(r.description !== undefined ? { valueDescription: r.description } : {}),
      ...(r.valueRange ? { valueRange: r.valueRange } : {}),
      ...(r.returnFix ? { returnFix: r.returnFix } : {}),
    };
  }

  private recordExit(r: ExitRecord): void {
    const prev = this.exits.get(r.node);
    if (!prev) {
      this.exits.set(r.node, r);
      return;
    }
    prev.value |= r.value;
    prev.calls |= r.calls;
    prev.dropped = prev.dropped && r.dropped;
    if (prev.description !== r.description) delete prev.description;
    if (!r.returnFix || prev.returnFix?.variable !== r.returnFix.variable) delete prev.returnFix;
  }

  /** A short description of a value that is certainly not a response, for messages. */
  private describe(e: ts.Expression | undefined): string | undefined {
    if (!e) return undefined;
    const inner = stripParens(e);
    if (T.isIdentifier(inner)) return this.paramDescription.get(inner.text);
    if (inner.kind === T.SyntaxKind.TrueKeyword || inner.kind === T.SyntaxKind.FalseKeyword || T.isNumericLiteral(inner)) return `\`${inner.getText(this.sf)}\``;
    if (T.isStringLiteral(inner) || T.isNoSubstitutionTemplateLiteral(inner) || T.isTemplateExpression(inner)) return 'a string';
    return undefined;
  }

  // ---- statements -------------------------------------------------------------------------

  private block(statements: ts.NodeArray<ts.Statement> | readonly ts.Statement[], state: State): State {
    let s = state;
    for (const st of statements) {
      if (!s.reachable) {
        // Function declarations are hoisted; nothing else after an exit runs.
        continue;
      }
      s = this.statement(st, s);
    }
    return s;
  }

  private raise(s: State): void {
    this.edges.raise(s);
  }

  private statement(st: ts.Statement, input: State): State {
    const labels = this.pendingLabels;
    this.pendingLabels = [];
    const s = copy(input);
    switch (st.kind) {
      case T.SyntaxKind.Block: {
        const out = this.block((st as ts.Block).statements, s);
        return out.reachable ? this.leaveScope((st as ts.Block).statements, input, out) : out;
      }
      case T.SyntaxKind.VariableStatement:
        for (const decl of (st as ts.VariableStatement).declarationList.declarations) this.declaration(decl, s);
        return s;
      case T.SyntaxKind.ExpressionStatement: {
        const e = (st as ts.ExpressionStatement).expression;
        const value = this.expr(e, s);
        // A next-layer result computed as a statement of its own is dropped on the spot.
        if (value & (NEXT | NEXT_PROMISE) && this.isBareNextCall(e)) s.dropped = true;
        return s;
      }
      case T.SyntaxKind.IfStatement: {
        const ifs = st as ts.IfStatement;
        this.expr(ifs.expression, s);
        const thenOut = this.statement(ifs.thenStatement, copy(s));
        const elseOut = ifs.elseStatement ? this.statement(ifs.elseStatement, copy(s)) : s;
        return join(thenOut, elseOut);
      }
      case T.SyntaxKind.ReturnStatement: {
        const ret = st as ts.ReturnStatement;
        const value = ret.expression ? this.expr(ret.expression, s) : NOTHING;
        if (ret.expression && value & (NEXT | NEXT_PROMISE)) s.dropped = false;
        this.recordExit({
          node: ret,
          kind: 'return',
          value,
          calls: s.calls,
          dropped: s.dropped,
          ...(ret.expression ? { valueRange: rangeOf(stripParens(ret.expression), this.sf) } : {}),
          ...(this.describe(ret.expression) !== undefined ? { description: this.describe(ret.expression) } : {}),
        });
        // A return runs the enclosing finally block on its way out.
        this.edges.returnThrough(s);
        return UNREACHABLE;
      }
      case T.SyntaxKind.ThrowStatement: {
        this.expr((st as ts.ThrowStatement).expression, s);
        if (!this.edges.caught) this.recordExit({ node: st, kind: 'throw', value: 0, calls: s.calls, dropped: s.dropped });
        this.raise(s);
        return UNREACHABLE;
      }
      case T.SyntaxKind.TryStatement:
        return this.tryStatement(st as ts.TryStatement, s);
      case T.SyntaxKind.SwitchStatement:
        return this.switchStatement(st as ts.SwitchStatement, s, labels);
      case T.SyntaxKind.LabeledStatement: {
        const labeled = st as ts.LabeledStatement;
        const inner = labeled.statement;
        if (isLoop(inner) || T.isSwitchStatement(inner)) {
          this.pendingLabels = [...labels, labeled.label.text];
          return this.statement(inner, s);
        }
        const target: JumpTarget = { labels: [labeled.label.text], isLoop: false, isSwitch: false, breaks: UNREACHABLE, continues: UNREACHABLE };
        this.targets.push(target);
        const out = this.statement(inner, s);
        this.targets.pop();
        return join(out, target.breaks);
      }
      case T.SyntaxKind.BreakStatement:
      case T.SyntaxKind.ContinueStatement: {
        const jump = st as ts.BreakOrContinueStatement;
        const isBreak = st.kind === T.SyntaxKind.BreakStatement;
        const target = this.findTarget(jump.label?.text, isBreak);
        if (target) {
          if (isBreak) target.breaks = join(target.breaks, s);
          else target.continues = join(target.continues, s);
        }
        return UNREACHABLE;
      }
      case T.SyntaxKind.WhileStatement:
      case T.SyntaxKind.DoStatement:
      case T.SyntaxKind.ForStatement:
      case T.SyntaxKind.ForInStatement:
      case T.SyntaxKind.ForOfStatement:
        return this.loop(st as ts.IterationStatement, s, labels);
      case T.SyntaxKind.FunctionDeclaration:
      case T.SyntaxKind.ClassDeclaration:
      case T.SyntaxKind.InterfaceDeclaration:
      case T.SyntaxKind.TypeAliasDeclaration:
      case T.SyntaxKind.EnumDeclaration:
      case T.SyntaxKind.EmptyStatement:
      case T.SyntaxKind.DebuggerStatement:
        return s;
      default:
        // Anything else (with, import declarations in odd places): evaluate its expressions generically.
        T.forEachChild(st, (child) => {
          if (T.isExpression(child)) this.expr(child, s);
        });
        return s;
    }
  }

  /** Restores the outer values of names that a block's own declarations shadowed. */
  private leaveScope(statements: readonly ts.Statement[], outer: State, out: State): State {
    const result = out;
    for (const st of statements) {
      const names: string[] = [];
      if (T.isVariableStatement(st) && st.declarationList.flags & T.NodeFlags.BlockScoped) {
        for (const d of st.declarationList.declarations) names.push(...boundNames(d.name));
      } else if ((T.isClassDeclaration(st) || T.isFunctionDeclaration(st)) && st.name) names.push(st.name.text);
      for (const name of names) {
        const before = outer.vars.get(name);
        if (before === undefined) result.vars.delete(name);
        else result.vars.set(name, before);
        if (result.nextVar === name) result.nextVar = undefined;
      }
    }
    return result;
  }

  private isBareNextCall(e: ts.Expression): boolean {
    let inner = stripParens(e);
    if (T.isAwaitExpression(inner)) inner = stripParens(inner.expression);
    if (T.isVoidExpression(inner)) return false;
    return T.isCallExpression(inner) && this.isNextCall(inner);
  }

  private findTarget(label: string | undefined, isBreak: boolean): JumpTarget | undefined {
    for (let i = this.targets.length - 1; i >= 0; i--) {
      const t = this.targets[i]!;
      if (label !== undefined) {
        if (t.labels.includes(label)) return t;
      } else if (t.isLoop || (isBreak && t.isSwitch)) return t;
    }
    return undefined;
  }

  private declaration(decl: ts.VariableDeclaration, s: State): void {
    const value = decl.initializer ? this.expr(decl.initializer, s) : NOTHING;
    if (T.isIdentifier(decl.name)) {
      this.assign(decl.name.text, value, s, decl.initializer);
    } else {
      // Destructuring `null` or a non-iterable raises.
      this.raise(s);
      for (const name of boundNames(decl.name)) s.vars.set(name, UNKNOWN);
    }
  }

  /** Stores a value in a local; a next-layer result stored in a local nobody reads is dropped. */
  private assign(name: string, value: number, s: State, init: ts.Expression | undefined): void {
    s.vars.set(name, value);
    if (value & (NEXT | NEXT_PROMISE) && init && this.isBareNextCall(init)) {
      s.nextVar = name;
      // Dropped until a read of the local on the path uses it (see the Identifier case of expr).
      if ((this.readCounts.get(name) ?? 0) === 0 || !this.readInNested.has(name)) s.dropped = true;
    } else if (s.nextVar === name) s.nextVar = undefined;
  }

  private tryStatement(st: ts.TryStatement, s: State): State {
    const { catchClause, finallyBlock } = st;
    return this.edges.tryStatement(
      s,
      (entry) => this.block(st.tryBlock.statements, entry),
      catchClause &&
        ((entry) => {
          const decl = catchClause.variableDeclaration;
          if (decl) for (const name of boundNames(decl.name)) entry.vars.set(name, UNKNOWN);
          return this.block(catchClause.block.statements, entry);
        }),
      finallyBlock && ((entry) => this.block(finallyBlock.statements, entry)),
    );
  }

  private switchStatement(st: ts.SwitchStatement, s: State, labels: string[]): State {
    this.expr(st.expression, s);
    const target: JumpTarget = { labels, isLoop: false, isSwitch: true, breaks: UNREACHABLE, continues: UNREACHABLE };
    this.targets.push(target);
    let fallthrough: State = UNREACHABLE;
    let hasDefault = false;
    for (const clause of st.caseBlock.clauses) {
      const entry = copy(s);
      if (T.isCaseClause(clause)) this.expr(clause.expression, entry);
      else hasDefault = true;
      fallthrough = this.block(clause.statements, join(entry, fallthrough));
    }
    this.targets.pop();
    let out = join(fallthrough, target.breaks);
    if (!hasDefault) out = join(out, s);
    return out;
  }

  private loop(st: ts.IterationStatement, s: State, labels: string[]): State {
    if (T.isForStatement(st) && st.initializer) {
      if (T.isVariableDeclarationList(st.initializer)) for (const d of st.initializer.declarations) this.declaration(d, s);
      else this.expr(st.initializer, s);
    }
    if (T.isForOfStatement(st) || T.isForInStatement(st)) {
      this.expr(st.expression, s);
    }
    const isDo = T.isDoStatement(st);
    let head = s;
    let exitState: State = UNREACHABLE;
    for (let iteration = 0; iteration < 6; iteration++) {
      const target: JumpTarget = { labels, isLoop: true, isSwitch: false, breaks: UNREACHABLE, continues: UNREACHABLE };
      const bodyIn = copy(head);
      if (T.isWhileStatement(st)) this.expr(st.expression, bodyIn);
      if (T.isForStatement(st) && st.condition) this.expr(st.condition, bodyIn);
      if (T.isForOfStatement(st) || T.isForInStatement(st)) {
        // Taking the next element calls the iterator, which may raise.
        this.raise(bodyIn);
        if (T.isVariableDeclarationList(st.initializer)) {
          for (const d of st.initializer.declarations) for (const name of boundNames(d.name)) bodyIn.vars.set(name, UNKNOWN);
        }
      }
      this.targets.push(target);
      let bodyOut = this.statement(st.statement, bodyIn);
      this.targets.pop();
      bodyOut = join(bodyOut, target.continues);
      if (isDo) this.expr((st as ts.DoStatement).expression, bodyOut);
      if (T.isForStatement(st) && st.incrementor && bodyOut.reachable) this.expr(st.incrementor, bodyOut);
      // A loop whose condition is `true` leaves only through break (or return/throw).
      const infinite = isAlwaysTrue(st);
      exitState = join(isDo || infinite ? UNREACHABLE : head, target.breaks);
      if (isDo && !infinite) exitState = join(exitState, bodyOut);
      const next = join(head, bodyOut);
      if (sameState(next, head)) break;
      head = next;
      if (iteration === 4) {
        // Widen: stop refining the locals; the call counts are already saturated by now.
        for (const k of head.vars.keys()) head.vars.set(k, head.vars.get(k)! | UNKNOWN);
      }
    }
    return exitState;
  }

  // ---- expressions ------------------------------------------------------------------------

  /** Evaluates an expression for its possible kinds, updating the state in place. */
  private expr(node: ts.Expression, s: State): number {
    const e = node;
    switch (e.kind) {
      case T.SyntaxKind.ParenthesizedExpression:
      case T.SyntaxKind.AsExpression:
      case T.SyntaxKind.SatisfiesExpression:
      case T.SyntaxKind.NonNullExpression:
      case T.SyntaxKind.TypeAssertionExpression:
        return this.expr((e as ts.ParenthesizedExpression).expression, s);
      case T.SyntaxKind.NullKeyword:
        return NOTHING;
      case T.SyntaxKind.TrueKeyword:
      case T.SyntaxKind.FalseKeyword:
      case T.SyntaxKind.NumericLiteral:
      case T.SyntaxKind.BigIntLiteral:
      case T.SyntaxKind.StringLiteral:
      case T.SyntaxKind.NoSubstitutionTemplateLiteral:
        return NOT_RESPONSE;
      case T.SyntaxKind.TemplateExpression:
        // Conversions to strings and numbers are taken not to raise (here and for operators).
        for (const span of (e as ts.TemplateExpression).templateSpans) this.expr(span.expression, s);
        return NOT_RESPONSE;
      case T.SyntaxKind.VoidExpression:
        this.expr((e as ts.VoidExpression).expression, s);
        return NOTHING;
      case T.SyntaxKind.Identifier: {
        const name = (e as ts.Identifier).text;
        if (name === 'undefined' && !s.vars.has(name)) return NOTHING;
        if (this.escaped.has(name)) return UNKNOWN;
        const value = s.vars.get(name) ?? UNKNOWN;
        // Any read of a local holding the next layer's result uses that result.
        if (value & (NEXT | NEXT_PROMISE)) s.dropped = false;
        return value;
      }
      case T.SyntaxKind.AwaitExpression: {
        const operand = (e as ts.AwaitExpression).expression;
        const inner = this.expr(operand, s);
        if (this.lastNextCall?.node === stripParens(operand)) {
          // `await next(request)` raising: the next layer raised, so that call produced no response.
          this.raise({ ...copy(s), calls: this.lastNextCall.calls });
        } else if (inner & NEXT_PROMISE) {
          // A stored promise of the next layer rejecting takes back one counted call; if the value
          // may also be something else, the state as it is joins too.
          this.raise({ ...copy(s), calls: inner === NEXT_PROMISE ? removeCall(s.calls) : s.calls | removeCall(s.calls) });
        } else if (inner & UNKNOWN) this.raise(s);
        return inner & NEXT_PROMISE ? (inner & ~NEXT_PROMISE) | NEXT : inner;
      }
      case T.SyntaxKind.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        this.expr(c.condition, s);
        const a = copy(s);
        const b = copy(s);
        const va = this.expr(c.whenTrue, a);
        const vb = this.expr(c.whenFalse, b);
        const joined = join(a, b);
        Object.assign(s, joined);
        return va | vb;
      }
      case T.SyntaxKind.BinaryExpression:
        return this.binary(e as ts.BinaryExpression, s);
      case T.SyntaxKind.CallExpression:
        return this.call(e as ts.CallExpression, s);
      case T.SyntaxKind.NewExpression: {
        const n = e as ts.NewExpression;
        this.expr(n.expression, s);
        for (const arg of n.arguments ?? []) this.use(this.expr(arg, s), s);
        this.raise(s);
        return endsWithResponse(n.expression) ? RESPONSE : UNKNOWN;
      }
      case T.SyntaxKind.PropertyAccessExpression:
      case T.SyntaxKind.ElementAccessExpression:
        return this.access(e as ts.PropertyAccessExpression | ts.ElementAccessExpression, s, 'read');
      case T.SyntaxKind.ArrowFunction:
      case T.SyntaxKind.FunctionExpression:
      case T.SyntaxKind.ClassExpression:
        // Nested functions run at unknown times: their returns are not this function's exits.
        return UNKNOWN;
      case T.SyntaxKind.PrefixUnaryExpression:
      case T.SyntaxKind.PostfixUnaryExpression: {
        const operand = (e as ts.PrefixUnaryExpression).operand;
        this.expr(operand, s);
        if (T.isIdentifier(operand) && (e as ts.PrefixUnaryExpression).operator !== T.SyntaxKind.ExclamationToken) s.vars.delete(operand.text);
        return NOT_RESPONSE;
      }
      case T.SyntaxKind.TypeOfExpression:
        this.expr((e as ts.TypeOfExpression).expression, s);
        return NOT_RESPONSE;
      case T.SyntaxKind.DeleteExpression:
        this.expr((e as ts.DeleteExpression).expression, s);
        return NOT_RESPONSE;
      default: {
        // Array and object literals, spreads, yields, tagged templates...: evaluate the parts.
        T.forEachChild(e, (child) => {
          if (T.isExpression(child)) this.use(this.expr(child, s), s);
          else if (T.isPropertyAssignment(child) || T.isSpreadAssignment(child) || T.isShorthandPropertyAssignment(child)) {
            const init = T.isPropertyAssignment(child) ? child.initializer : T.isSpreadAssignment(child) ? child.expression : child.name;
            this.use(this.expr(init, s), s);
          }
        });
        // Spreading a non-iterable, a tagged template's call, a yield... may raise; literals do not.
        if (!NON_RAISING.has(e.kind)) this.raise(s);
        return UNKNOWN;
      }
    }
  }

  /** A next-layer result flowing somewhere (an argument, a property) has been used. */
  private use(value: number, s: State): void {
    if (value & (NEXT | NEXT_PROMISE)) s.dropped = false;
  }

  private binary(b: ts.BinaryExpression, s: State): number {
    const op = b.operatorToken.kind;
    if (op === T.SyntaxKind.EqualsToken) {
      const value = this.expr(b.right, s);
      const left = stripParens(b.left);
      if (T.isIdentifier(left)) this.assign(left.text, value, s, b.right);
      else {
        this.use(value, s);
        if (T.isPropertyAccessExpression(left) || T.isElementAccessExpression(left)) this.access(left, s, 'write');
        else if (T.isArrayLiteralExpression(left) || T.isObjectLiteralExpression(left)) {
          this.raise(s);
          for (const name of assignedNames(left)) s.vars.set(name, UNKNOWN);
        }
      }
      return value;
    }
    if (op === T.SyntaxKind.AmpersandAmpersandToken || op === T.SyntaxKind.BarBarToken || op === T.SyntaxKind.QuestionQuestionToken) {
      const left = this.expr(b.left, s);
      const rightState = copy(s);
      const right = this.expr(b.right, rightState);
      Object.assign(s, join(s, rightState));
      // `a && b` yields a falsy `a` or `b`; `a || b` a truthy `a` or `b`; `a ?? b` a non-null `a` or `b`.
      if (op === T.SyntaxKind.QuestionQuestionToken) return (left & ~NOTHING) | right;
      return left | right;
    }
    if (op >= T.SyntaxKind.FirstCompoundAssignment && op <= T.SyntaxKind.LastCompoundAssignment) {
      this.expr(b.left, s);
      this.expr(b.right, s);
      const left = stripParens(b.left);
      if (T.isIdentifier(left)) s.vars.set(left.text, UNKNOWN);
      return UNKNOWN;
    }
    if (op === T.SyntaxKind.CommaToken) {
      this.expr(b.left, s);
      return this.expr(b.right, s);
    }
    this.use(this.expr(b.left, s), s);
    this.use(this.expr(b.right, s), s);
    // `in` and `instanceof` raise on a right side that is not an object (arithmetic is taken not to).
    if (op === T.SyntaxKind.InKeyword || op === T.SyntaxKind.InstanceOfKeyword) this.raise(s);
    // Comparisons and arithmetic: certainly not a response.
    return op === T.SyntaxKind.InstanceOfKeyword || op === T.SyntaxKind.InKeyword || (op >= T.SyntaxKind.FirstBinaryOperator && op <= T.SyntaxKind.LastBinaryOperator) ? NOT_RESPONSE : UNKNOWN;
  }

  private call(c: ts.CallExpression, s: State): number {
    if (this.isNextCall(c)) {
      const callee = stripParens(c.expression);
      if (T.isPropertyAccessExpression(callee) && callee.expression.kind === T.SyntaxKind.ThisKeyword) {
        this.thisCalls.set(callee.getStart(this.sf), { name: callee.name.text, range: rangeOf(callee, this.sf) });
      }
      for (const arg of c.arguments) this.expr(arg, s);
      // The edge out of a call that raised leaves before the call counts: it produced no response.
      this.raise(s);
      this.lastNextCall = { node: c, calls: s.calls };
      s.calls = addCall(s.calls);
      return this.options.next.promiseLike ? NEXT_PROMISE : NEXT;
    }
    const callee = stripParens(c.expression);
    if (T.isPropertyAccessExpression(callee)) {
      // Evaluate the object (request reads, un-awaited uses), not the method itself.
      this.access(callee, s, 'call');
      if (callee.expression.kind === T.SyntaxKind.ThisKeyword) {
        this.thisCalls.set(callee.getStart(this.sf), { name: callee.name.text, range: rangeOf(callee, this.sf) });
      }
    } else if (!T.isIdentifier(callee)) this.expr(callee, s);
    for (const arg of c.arguments) this.use(this.expr(arg, s), s);
    this.raise(s);
    if (T.isPropertyAccessExpression(callee) && RESPONSE_FACTORY_METHODS.has(callee.name.text) && endsWithResponse(callee.expression)) return RESPONSE;
    return UNKNOWN;
  }

  /** A property access: request attribute reads/writes, and uses of an un-awaited next result. */
  private access(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, s: State, how: 'read' | 'write' | 'call'): number {
    const object = stripParens(e.expression);
    if (T.isElementAccessExpression(e)) this.expr(e.argumentExpression, s);
    const name = T.isPropertyAccessExpression(e)
      ? e.name.text
      : T.isStringLiteral(e.argumentExpression) || T.isNoSubstitutionTemplateLiteral(e.argumentExpression)
        ? e.argumentExpression.text
        : undefined;
    if (object.kind === T.SyntaxKind.ThisKeyword) return UNKNOWN;
    const objectValue = this.expr(object, s);
    if (objectValue & (NEXT | NEXT_PROMISE)) s.dropped = false;
    // A property of `null` or `undefined` (or a getter) raises; `this.x` above is taken not to.
    this.raise(s);
    if (objectValue === NEXT_PROMISE && name !== undefined && !PROMISE_MEMBERS.has(name)) {
      const start = e.getStart(this.sf);
      this.unawaited.set(start, { range: rangeOf(e, this.sf), kind: how === 'write' ? 'write' : 'read', member: name, text: object.getText(this.sf) });
    }
    if (T.isIdentifier(object) && object.text === this.requestParam && name !== undefined && s.calls & CALLS_0 && s.vars.get(object.text) === NOT_RESPONSE) {
      const target = how === 'write' ? this.writes : this.reads;
      if (!target.has(name)) target.set(name, { attribute: name, range: rangeOf(e, this.sf) });
    }
    return UNKNOWN;
  }
}

const PROMISE_MEMBERS = new Set(['then', 'catch', 'finally']);

/** Expressions of the generic case that never raise of their own. */
const NON_RAISING = new Set<ts.SyntaxKind>([
  T.SyntaxKind.ArrayLiteralExpression,
  T.SyntaxKind.ObjectLiteralExpression,
  T.SyntaxKind.ThisKeyword,
  T.SyntaxKind.SuperKeyword,
  T.SyntaxKind.RegularExpressionLiteral,
  T.SyntaxKind.OmittedExpression,
]);

function isAsync(fn: ts.FunctionLikeDeclaration): boolean {
  return (T.getCombinedModifierFlags(fn as ts.Declaration) & T.ModifierFlags.Async) !== 0 || !!fn.modifiers?.some((m) => m.kind === T.SyntaxKind.AsyncKeyword);
}

function isLoop(st: ts.Statement): boolean {
  return T.isWhileStatement(st) || T.isDoStatement(st) || T.isForStatement(st) || T.isForInStatement(st) || T.isForOfStatement(st);
}

function isAlwaysTrue(st: ts.IterationStatement): boolean {
  if (T.isForStatement(st)) return st.condition === undefined || st.condition.kind === T.SyntaxKind.TrueKeyword;
  if (T.isWhileStatement(st) || T.isDoStatement(st)) return stripParens(st.expression).kind === T.SyntaxKind.TrueKeyword;
  return false;
}

function boundNames(name: ts.BindingName): string[] {
  if (T.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const el of name.elements) if (!T.isOmittedExpression(el)) out.push(...boundNames(el.name));
  return out;
}

function assignedNames(pattern: ts.Expression): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (T.isIdentifier(n)) out.push(n.text);
    else T.forEachChild(n, visit);
  };
  visit(pattern);
  return out;
}

/** An identifier that reads a variable (not a declaration name, property name or assignment target). */
function isReadReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if ((T.isVariableDeclaration(p) || T.isParameter(p) || T.isBindingElement(p) || T.isFunctionDeclaration(p) || T.isClassDeclaration(p) || T.isFunctionExpression(p)) && p.name === id) return false;
  if ((T.isPropertyAccessExpression(p) && p.name === id) || (T.isPropertyAssignment(p) && p.name === id) || (T.isMethodDeclaration(p) && p.name === id)) return false;
  if (T.isBinaryExpression(p) && p.left === id && p.operatorToken.kind === T.SyntaxKind.EqualsToken) return false;
  if (T.isBindingElement(p) && p.propertyName === id) return false;
  if (T.isLabeledStatement(p) || T.isBreakOrContinueStatement(p)) return false;
  return true;
}

export { isFunctionLike, stripParens };
