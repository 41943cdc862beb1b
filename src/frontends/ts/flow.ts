import type { ts } from 'ts-morph';
import { rangeOf, stripParens } from './syntax.js';
import { T } from './typescript.js';
import {
  FlowBuilder,
  mergeAlternatives,
  NEXT_RESULT,
  NOT_RESPONSE,
  NOTHING,
  nullishFallback,
  RESPONSE,
  UNKNOWN,
  UNREACHABLE,
  copy,
  forget,
  join,
  restoreShadowed,
  setUnknown,
  type State,
} from '../../flow/index.js';
import type { FunctionSummary, Range } from '../../model.js';

/*
 * The TypeScript/JavaScript walker of the flow core (src/flow/): it maps statements and
 * expressions onto the core's operations. What a construct means for the state (the joins, the
 * loop fixpoint, the exceptional edges, the exit records) is decided in the core; what is decided
 * here is only which syntax is which construct.
 */

/** How the next layer is reached from inside the function being summarised. */
export interface NextAccess {
  /** Identifiers bound to the next layer (a factory's parameter). */
  identifiers: Set<string>;
  /** `this.<member>` names that hold the next layer. */
  members: Set<string>;
  /**
   * The next layer is a property of a parameter (tRPC's `opts.next`): `object.name` denotes it, `const { next } = object`
   * aliases it, and any other use of `object` itself (an argument, a store, a spread) hands it on.
   */
  property?: { object: string; name: string };
  /** The next layer's result is a promise (async next layer, or an async handler with an untyped one). */
  promiseLike: boolean;
  /** The onion contract (Koa): see `FlowOptions.onion`. */
  onion?: boolean;
  /** Onion only: awaiting the next layer never raises (Hono): see `FlowOptions.nextNeverRejects`. */
  nextNeverRejects?: boolean;
  /** The linear contract (Express, Connect): see `FlowOptions.linear`. */
  linear?: boolean;
}

/** Linear contract: how the handler sends the response (`res.json(...)`, `res.status(404).send(...)`). */
export interface ResponseAccess {
  /** The response parameter's name (`res`). */
  name: string;
  /** Methods of the response that send it. */
  sendMethods: ReadonlySet<string>;
  /** Methods of the response that return it, so a send may follow in a chain (`status`, `set`). */
  chainMethods: ReadonlySet<string>;
}

export interface SummaryOptions {
  name: string;
  nameRange: Range;
  next: NextAccess;
  /** A parameter (by position) and what it holds: a hook's response or exception parameter. */
  paramKinds?: Array<{ index: number; kind: 'response' | 'exception' }>;
  /** Linear contract: the response parameter whose sends are completions. */
  response?: ResponseAccess;
  /** The handler returns its response, built by methods of its first parameter, the context (Hono): see `FlowOptions.responses`. */
  responses?: ContextMethods;
}

/** What the methods of a handler's context give back (a framework's row says: `FrameworkSpec.responses`). */
export interface ContextMethods {
  /** Methods returning the Response the handler returns (`c.json(...)`). */
  respond: ReadonlySet<string>;
  /** Methods returning nothing and sending nothing (`c.status(400)`). */
  nothing: ReadonlySet<string>;
  /** Methods that read and send nothing (`c.get('user')`); any other method call may respond. */
  read: ReadonlySet<string>;
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
  private readonly flow: FlowBuilder<ts.Node>;
  private readonly aliases = new Set<string>();
  private pendingLabels: string[] = [];
  /** With `options.responses`: the context parameter's name, while the walk can follow it. */
  private context: string | undefined;
  /** With `options.responses`: nested functions and classes that refer to the context (they may respond at any time). */
  private readonly contextClosures = new Set<ts.Node>();
  /** With `options.responses`: the context is out of reach from the entry on (destructured, rebound, used by a hoisted function). */
  private contextLostAtEntry = false;
  /** Linear contract: the response parameter, unless the function binds or assigns its name elsewhere. */
  private response: ResponseAccess | undefined;

  constructor(
    private readonly fn: ts.FunctionLikeDeclaration,
    private readonly sf: ts.SourceFile,
    private readonly options: SummaryOptions,
  ) {
    this.flow = new FlowBuilder({ name: options.name, nameRange: options.nameRange, promiseLike: options.next.promiseLike, awaitableMembers: PROMISE_MEMBERS, ...(options.next.onion ? { onion: true } : {}), ...(options.next.nextNeverRejects ? { nextNeverRejects: true } : {}), ...(options.responses ? { responses: true } : {}), ...(options.next.linear ? { linear: true } : {}) });
    this.response = options.response;
    const first = fn.parameters[0];
    if (first && T.isIdentifier(first.name)) this.flow.param(first.name.text, 'request');
    for (const { index, kind } of options.paramKinds ?? []) {
      const p = fn.parameters[index];
      if (p && T.isIdentifier(p.name)) this.flow.param(p.name.text, kind);
    }
    this.prescan();
    if (options.responses) this.contextScan();
  }

  /**
   * Responses: where the walk can follow the context (the first parameter). A first parameter that
   * is no plain name, or a name bound again inside the function, loses it from the entry on; a
   * nested function or class that refers to it or to the next layer may respond whenever it runs.
   */
  private contextScan(): void {
    const first = this.fn.parameters[0];
    if (first && !T.isIdentifier(first.name)) this.contextLostAtEntry = true;
    const name = first && T.isIdentifier(first.name) ? first.name.text : undefined;
    const body = this.fn.body;
    if (name === undefined || !body) return;
    let closure: ts.Node | undefined;
    const visit = (node: ts.Node): void => {
      const outer = closure;
      if (closure === undefined && node !== body && (isFunctionLike(node) || T.isClassLike(node))) closure = node;
      const bound = T.isVariableDeclaration(node) || T.isParameter(node) || T.isBindingElement(node) || T.isFunctionDeclaration(node) || T.isClassDeclaration(node) || T.isFunctionExpression(node) || T.isClassExpression(node) ? node.name : undefined;
      if (bound && T.isIdentifier(bound) && bound.text === name) this.contextLostAtEntry = true;
      // The next layer called from a closure (`.then(() => next())`) may respond whenever that runs, too.
      const next = T.isIdentifier(node) && (this.options.next.identifiers.has(node.text) || this.aliases.has(node.text));
      if (closure !== undefined && T.isIdentifier(node) && (node.text === name || next) && isReadReference(node)) {
        this.contextClosures.add(closure);
        // A hoisted declaration can run from anywhere in the function.
        if (T.isFunctionDeclaration(closure) || T.isClassDeclaration(closure)) this.contextLostAtEntry = true;
      }
      T.forEachChild(node, visit);
      closure = outer;
    };
    visit(body);
    if (!this.contextLostAtEntry) this.context = name;
  }

  /** The expression is the context itself (`c`), while the walk follows it. */
  private isContext(e: ts.Expression): e is ts.Identifier {
    return this.context !== undefined && T.isIdentifier(e) && e.text === this.context;
  }

  /** `c.json(...)`: the name of the context's method a call calls, or '' for a computed one (`c[name](...)`). */
  private contextMethod(callee: ts.Expression): string | undefined {
    if (T.isPropertyAccessExpression(callee) && this.isContext(stripParens(callee.expression))) return callee.name.text;
    if (T.isElementAccessExpression(callee) && this.isContext(stripParens(callee.expression))) {
      const arg = callee.argumentExpression;
      return T.isStringLiteral(arg) || T.isNoSubstitutionTemplateLiteral(arg) ? arg.text : '';
    }
    return undefined;
  }

  /**
   * Syntactic passes over the whole function, nested functions included: which locals alias the
   * next layer, which locals nested functions read or assign, and every reference to and call of
   * the next layer.
   */
  private prescan(): void {
    const body = this.fn.body;
    if (!body) return;
    /** Whether the node being visited is inside a nested function (its reads and writes run at unknown times). */
    let inside = false;
    const visit = (node: ts.Node): void => {
      const outer = inside;
      if (!inside && node !== body && isFunctionLike(node)) inside = true;
      if (T.isVariableDeclaration(node) && node.initializer) {
        if (T.isIdentifier(node.name) && this.isNextRef(node.initializer, true)) this.aliases.add(node.name.text);
        // `const { getResponse } = this`
        if (T.isObjectBindingPattern(node.name) && stripParens(node.initializer).kind === T.SyntaxKind.ThisKeyword) {
          for (const el of node.name.elements) {
            const prop = el.propertyName && T.isIdentifier(el.propertyName) ? el.propertyName.text : T.isIdentifier(el.name) ? el.name.text : undefined;
            if (prop && this.options.next.members.has(prop) && T.isIdentifier(el.name)) {
              this.aliases.add(el.name.text);
              this.flow.nextMember(prop);
            }
          }
        }
        // `const { ctx, next } = opts`
        const holder = this.options.next.property;
        const init = stripParens(node.initializer);
        if (holder && T.isObjectBindingPattern(node.name) && T.isIdentifier(init) && init.text === holder.object) {
          for (const el of node.name.elements) {
            const key = el.propertyName ?? (el.dotDotDotToken ? undefined : el.name);
            if (key && T.isIdentifier(key) && key.text === holder.name && T.isIdentifier(el.name)) this.aliases.add(el.name.text);
          }
        }
      }
      if (this.response && rebinds(node, this.response.name, inside)) this.response = undefined;
      if (inside) {
        if (T.isIdentifier(node)) {
          if (isReadReference(node)) this.flow.readInNestedScope(node.text);
        } else if (T.isBinaryExpression(node) && node.operatorToken.kind >= T.SyntaxKind.FirstAssignment && node.operatorToken.kind <= T.SyntaxKind.LastAssignment) {
          for (const name of assignedNames(node.left)) this.flow.assignedInNestedScope(name);
        } else if ((T.isPrefixUnaryExpression(node) || T.isPostfixUnaryExpression(node)) && T.isIdentifier(node.operand)) this.flow.assignedInNestedScope(node.operand.text);
      }
      T.forEachChild(node, visit);
      inside = outer;
    };
    visit(body);
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
        this.flow.referencesNext();
      }
      // `const { next } = opts` binds an alias; the name it declares is no use of the next layer.
      const declares = this.options.next.property !== undefined && T.isIdentifier(node) && !isReadReference(node);
      if (T.isExpression(node) && !declares && this.isNextRef(node, false)) {
        this.flow.referencesNext();
        const parent = node.parent;
        if (parent && T.isCallExpression(parent) && parent.expression === node) this.flow.nextCallSite(rangeOf(parent, this.sf));
        else if (parent && T.isPropertyAccessExpression(parent) && parent.expression === node && (parent.name.text === 'call' || parent.name.text === 'apply') && T.isCallExpression(parent.parent) && parent.parent.expression === parent) {
          this.flow.nextCallSite(rangeOf(parent.parent, this.sf));
        } else if (this.options.next.onion || this.options.next.linear) {
          if (isInertUse(node)) this.flow.inertNextReference(rangeOf(node, this.sf));
          else this.flow.nextHandedOn();
        }
        return;
      }
      // `helper(opts)`, `{ ...opts }`: the object holding the next layer goes where it may be called.
      if (this.options.next.property && T.isIdentifier(node) && node.text === this.options.next.property.object && isReadReference(node) && !readsOwnProperty(node)) {
        this.flow.referencesNext();
        if (this.options.next.onion) this.flow.nextHandedOn();
      }
      T.forEachChild(node, refs);
    };
    refs(body);
  }

  /** Whether an expression denotes the next layer itself (not a call of it). */
  private isNextRef(expr: ts.Expression, forAlias: boolean): boolean {
    const e = stripParens(expr);
    if (T.isIdentifier(e)) return this.options.next.identifiers.has(e.text) || this.aliases.has(e.text);
    if (T.isPropertyAccessExpression(e)) {
      const holder = this.options.next.property;
      if (holder && T.isIdentifier(e.expression) && e.expression.text === holder.object && e.name.text === holder.name) return true;
      if (e.expression.kind === T.SyntaxKind.ThisKeyword) {
        const name = e.name.text;
        if (this.options.next.members.has(name)) {
          this.flow.nextMember(name);
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
    const flow = this.flow;
    const entry = flow.entryState();
    if (this.contextLostAtEntry) flow.contextHandedOn(entry);
    if (fn.body && T.isBlock(fn.body)) {
      const end = this.block(fn.body.statements, entry);
      if (end.reachable) {
        const close = fn.body.getEnd() - 1;
        const fixVar = flow.returnFixVariable(end);
        flow.fallOffEnd(
          fn.body,
          { start: close, end: close + 1 },
          end,
          fixVar !== undefined ? { variable: fixVar, offset: this.lineStartOf(close), indent: this.bodyIndent(fn.body) } : undefined,
        );
      }
    } else if (fn.body) {
      const state = copy(entry);
      const body = fn.body as ts.Expression;
      const value = this.expr(body, state);
      flow.expressionBody(body, value, state, { valueRange: rangeOf(stripParens(body), this.sf), description: this.describe(body) });
    }
    const summary = flow.build(rangeOf(fn, this.sf), isAsync(fn), (node) => rangeOf(node, this.sf));
    // Onion only: a body ending in `next();` / `await next();` falls off its end right after dropping the result.
    const last = fn.body && T.isBlock(fn.body) ? fn.body.statements[fn.body.statements.length - 1] : undefined;
    if (this.options.next.onion && last && T.isExpressionStatement(last) && this.isBareNextCall(last.expression)) {
      const end = summary.exits.find((e) => e.kind === 'implicit');
      if (end) end.returnNextAt = last.getStart(this.sf);
    }
    const caught = this.options.next.onion ? this.caughtNextCall() : undefined;
    if (caught) summary.catchesNext = caught;
    return summary;
  }

  /** Onion: the first next-layer call whose rejection the function catches itself (FunctionSummary.catchesNext). */
  private caughtNextCall(): Range | undefined {
    const body = this.fn.body;
    if (!body) return undefined;
    let found: Range | undefined;
    const visit = (node: ts.Node): void => {
      if (found || (node !== body && isFunctionLike(node))) return;
      if (T.isCallExpression(node) && this.isNextCall(node) && this.rejectionCaught(node)) found = rangeOf(node, this.sf);
      else T.forEachChild(node, visit);
    };
    visit(body);
    return found;
  }

  /** `next().catch(f)`, `next().then(ok, f)`, or `await next()` in a `try` block that has a `catch` clause (in this function). */
  private rejectionCaught(call: ts.CallExpression): boolean {
    let e: ts.Node = call;
    while (T.isParenthesizedExpression(e.parent)) e = e.parent;
    const p = e.parent;
    if (T.isPropertyAccessExpression(p) && p.expression === e && T.isCallExpression(p.parent) && p.parent.expression === p) {
      const args = p.parent.arguments.length;
      return (p.name.text === 'catch' && args >= 1) || (p.name.text === 'then' && args >= 2);
    }
    if (!T.isAwaitExpression(p)) return false;
    for (let cur: ts.Node = p; cur.parent && cur.parent !== this.fn; cur = cur.parent) {
      const parent: ts.Node = cur.parent;
      if (isFunctionLike(parent)) return false;
      if (T.isTryStatement(parent) && parent.tryBlock === cur && parent.catchClause) return true;
    }
    return false;
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

  /** A short description of a value that is certainly not a response, for messages. */
  private describe(e: ts.Expression | undefined): string | undefined {
    if (!e) return undefined;
    const inner = stripParens(e);
    if (T.isIdentifier(inner)) return this.flow.describeLocal(inner.text);
    if (inner.kind === T.SyntaxKind.TrueKeyword || inner.kind === T.SyntaxKind.FalseKeyword || T.isNumericLiteral(inner)) return `\`${inner.getText(this.sf)}\``;
    if (T.isStringLiteral(inner) || T.isNoSubstitutionTemplateLiteral(inner) || T.isTemplateExpression(inner)) return 'a string';
    // `return c.status(401)`: the method's own result, which is nothing.
    if (T.isCallExpression(inner) && this.options.responses) {
      const method = this.contextMethod(stripParens(inner.expression));
      if (method && this.options.responses.nothing.has(method)) {
        const text = inner.getText(this.sf);
        return `${text.length <= 30 && !text.includes('\n') ? `\`${text}\`` : `\`${this.context}.${method}(...)\``} (\`${this.context}.${method}()\` returns nothing)`;
      }
    }
    return undefined;
  }

  /** Nothing runs between the statement and the function's end: it is last in each block and `if` branch around it, up to the body. */
  private endsFunction(st: ts.Statement): boolean {
    const body = this.fn.body;
    let node: ts.Node = st;
    for (;;) {
      const p = node.parent;
      if (!p) return false;
      if (T.isBlock(p)) {
        if (p.statements[p.statements.length - 1] !== node) return false;
        if (p === body) return true;
      } else if (!(T.isIfStatement(p) && p.expression !== node) && !T.isLabeledStatement(p)) return false;
      node = p;
    }
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

  private statement(st: ts.Statement, input: State): State {
    const labels = this.pendingLabels;
    this.pendingLabels = [];
    const s = copy(input);
    const flow = this.flow;
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
        if (value & NEXT_RESULT && this.isBareNextCall(e)) flow.drop(s);
        const floating = this.floatingNextCall(e);
        if (floating) flow.floatingNextCall(rangeOf(floating, this.sf));
        // A response built and dropped on the spot (`c.json(...);`): the handler does not return it.
        if (this.options.responses && value === RESPONSE) flow.droppedResponse(rangeOf(e, this.sf), this.endsFunction(st), s);
        return s;
      }
      case T.SyntaxKind.IfStatement: {
        const ifs = st as ts.IfStatement;
        this.expr(ifs.expression, s);
        this.responseStateTest(ifs.expression, s);
        const thenOut = this.statement(ifs.thenStatement, copy(s));
        const elseOut = ifs.elseStatement ? this.statement(ifs.elseStatement, copy(s)) : s;
        return join(thenOut, elseOut);
      }
      case T.SyntaxKind.ReturnStatement: {
        const ret = st as ts.ReturnStatement;
        if (!ret.expression) return flow.returnValue(ret, NOTHING, false, s);
        const value = this.expr(ret.expression, s);
        return flow.returnValue(ret, value, true, s, { valueRange: rangeOf(stripParens(ret.expression), this.sf), description: this.describe(ret.expression) });
      }
      case T.SyntaxKind.ThrowStatement:
        this.expr((st as ts.ThrowStatement).expression, s);
        return flow.throwValue(st, s);
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
        const target = flow.targets.push([labeled.label.text], 'label');
        const out = this.statement(inner, s);
        flow.targets.pop();
        return join(out, target.breaks);
      }
      case T.SyntaxKind.BreakStatement:
      case T.SyntaxKind.ContinueStatement:
        return flow.jump(st.kind === T.SyntaxKind.BreakStatement, (st as ts.BreakOrContinueStatement).label?.text, s);
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
    for (const st of statements) {
      if (T.isVariableStatement(st) && st.declarationList.flags & T.NodeFlags.BlockScoped) {
        for (const d of st.declarationList.declarations) for (const name of boundNames(d.name)) restoreShadowed(out, outer, name);
      } else if ((T.isClassDeclaration(st) || T.isFunctionDeclaration(st)) && st.name) restoreShadowed(out, outer, st.name.text);
    }
    return out;
  }

  private isBareNextCall(e: ts.Expression): boolean {
    let inner = stripParens(e);
    if (T.isAwaitExpression(inner)) inner = stripParens(inner.expression);
    if (T.isVoidExpression(inner)) return false;
    return T.isCallExpression(inner) && this.isNextCall(inner);
  }

  /**
   * A next-layer call whose promise this statement discards: `next();`, `void next();`, or a chain on
   * it that is itself discarded (`next().then(log);`, `next().catch(report).finally(done);`).
   */
  private floatingNextCall(e: ts.Expression): ts.CallExpression | undefined {
    let inner = stripParens(e);
    if (T.isVoidExpression(inner)) inner = stripParens(inner.expression);
    while (T.isCallExpression(inner) && !this.isNextCall(inner)) {
      const callee = stripParens(inner.expression);
      if (!T.isPropertyAccessExpression(callee) || !PROMISE_MEMBERS.has(callee.name.text)) return undefined;
      inner = stripParens(callee.expression);
    }
    return T.isCallExpression(inner) ? inner : undefined;
  }

  private declaration(decl: ts.VariableDeclaration, s: State): void {
    // `const { req, env } = c` reads members of the context: nothing it holds can respond.
    if (decl.initializer && T.isObjectBindingPattern(decl.name) && this.isContext(stripParens(decl.initializer))) {
      this.flow.raise(s);
      for (const name of boundNames(decl.name)) setUnknown(s, name);
      return;
    }
    const value = decl.initializer ? this.expr(decl.initializer, s) : NOTHING;
    if (T.isIdentifier(decl.name)) {
      this.assign(decl.name.text, value, s, decl.initializer);
    } else {
      // Destructuring `null` or a non-iterable raises.
      this.flow.raise(s);
      for (const name of boundNames(decl.name)) setUnknown(s, name);
    }
  }

  /** Stores a value in a local; a next-layer result stored in a local nobody reads is dropped. */
  private assign(name: string, value: number, s: State, init: ts.Expression | undefined): void {
    this.flow.assign(name, value, s, (value & NEXT_RESULT) !== 0 && init !== undefined && this.isBareNextCall(init));
  }

  private tryStatement(st: ts.TryStatement, s: State): State {
    const { catchClause, finallyBlock } = st;
    return this.flow.tryStatement(s, {
      body: (entry) => this.block(st.tryBlock.statements, entry),
      handlers:
        catchClause &&
        ((entry) => {
          const decl = catchClause.variableDeclaration;
          if (decl) for (const name of boundNames(decl.name)) setUnknown(entry, name);
          return this.block(catchClause.block.statements, entry);
        }),
      finally: finallyBlock && ((entry) => this.block(finallyBlock.statements, entry)),
    });
  }

  private switchStatement(st: ts.SwitchStatement, s: State, labels: string[]): State {
    this.expr(st.expression, s);
    const target = this.flow.targets.push(labels, 'switch');
    let fallthrough: State = UNREACHABLE;
    let hasDefault = false;
    for (const clause of st.caseBlock.clauses) {
      const entry = copy(s);
      if (T.isCaseClause(clause)) this.expr(clause.expression, entry);
      else hasDefault = true;
      fallthrough = this.block(clause.statements, join(entry, fallthrough));
    }
    this.flow.targets.pop();
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
    // A loop whose condition is `true` leaves only through break (or return/throw).
    const infinite = isAlwaysTrue(st);
    const loop = this.flow.loop(s, labels);
    for (let bodyIn = loop.nextPass(); bodyIn; bodyIn = loop.nextPass()) {
      if (T.isWhileStatement(st)) this.expr(st.expression, bodyIn);
      if (T.isForStatement(st) && st.condition) this.expr(st.condition, bodyIn);
      if (T.isForOfStatement(st) || T.isForInStatement(st)) {
        // Taking the next element calls the iterator, which may raise.
        this.flow.raise(bodyIn);
        if (T.isVariableDeclarationList(st.initializer)) {
          for (const d of st.initializer.declarations) for (const name of boundNames(d.name)) setUnknown(bodyIn, name);
        }
      }
      const bodyOut = loop.endBody(this.statement(st.statement, bodyIn));
      if (isDo) this.expr((st as ts.DoStatement).expression, bodyOut);
      if (T.isForStatement(st) && st.incrementor && bodyOut.reachable) this.expr(st.incrementor, bodyOut);
      loop.endPass(bodyOut, infinite ? UNREACHABLE : isDo ? bodyOut : loop.headState);
    }
    return loop.exit();
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
        // The context used as a value (an argument, a store, `arguments`) is handed on.
        if (this.options.responses && (this.isContext(e as ts.Identifier) || name === 'arguments')) this.flow.contextHandedOn(s);
        // Any read of a local holding the next layer's result uses that result.
        return this.flow.readLocal(name, s);
      }
      case T.SyntaxKind.AwaitExpression: {
        const operand = (e as ts.AwaitExpression).expression;
        return this.flow.awaitValue(stripParens(operand), this.expr(operand, s), s);
      }
      case T.SyntaxKind.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        this.expr(c.condition, s);
        this.responseStateTest(c.condition, s);
        const a = copy(s);
        const b = copy(s);
        const va = this.expr(c.whenTrue, a);
        const vb = this.expr(c.whenFalse, b);
        mergeAlternatives(s, a, b);
        return va | vb;
      }
      case T.SyntaxKind.BinaryExpression:
        return this.binary(e as ts.BinaryExpression, s);
      case T.SyntaxKind.CallExpression:
        return this.call(e as ts.CallExpression, s);
      case T.SyntaxKind.NewExpression: {
        const n = e as ts.NewExpression;
        this.expr(n.expression, s);
        for (const arg of n.arguments ?? []) this.flow.use(this.expr(arg, s), s);
        this.flow.raise(s);
        return endsWithResponse(n.expression) ? RESPONSE : UNKNOWN;
      }
      case T.SyntaxKind.PropertyAccessExpression:
      case T.SyntaxKind.ElementAccessExpression:
        return this.access(e as ts.PropertyAccessExpression | ts.ElementAccessExpression, s, 'read');
      case T.SyntaxKind.ArrowFunction:
      case T.SyntaxKind.FunctionExpression:
      case T.SyntaxKind.ClassExpression:
        // Nested functions run at unknown times: their returns are not this function's exits.
        if (this.contextClosures.has(e)) this.flow.contextHandedOn(s);
        return UNKNOWN;
      case T.SyntaxKind.PrefixUnaryExpression:
      case T.SyntaxKind.PostfixUnaryExpression: {
        const operand = (e as ts.PrefixUnaryExpression).operand;
        this.expr(operand, s);
        if (T.isIdentifier(operand) && (e as ts.PrefixUnaryExpression).operator !== T.SyntaxKind.ExclamationToken) forget(s, operand.text);
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
          if (T.isExpression(child)) this.flow.use(this.expr(child, s), s);
          else if (T.isPropertyAssignment(child) || T.isSpreadAssignment(child) || T.isShorthandPropertyAssignment(child)) {
            const init = T.isPropertyAssignment(child) ? child.initializer : T.isSpreadAssignment(child) ? child.expression : child.name;
            this.flow.use(this.expr(init, s), s);
          }
        });
        // Spreading a non-iterable, a tagged template's call, a yield... may raise; literals do not.
        if (!neverRaises(e.kind)) this.flow.raise(s);
        return UNKNOWN;
      }
    }
  }

  private binary(b: ts.BinaryExpression, s: State): number {
    const op = b.operatorToken.kind;
    const flow = this.flow;
    if (op === T.SyntaxKind.EqualsToken) {
      const value = this.expr(b.right, s);
      const left = stripParens(b.left);
      if (T.isIdentifier(left)) this.assign(left.text, value, s, b.right);
      else {
        flow.use(value, s);
        if (T.isPropertyAccessExpression(left) || T.isElementAccessExpression(left)) this.access(left, s, 'write');
        else if (T.isArrayLiteralExpression(left) || T.isObjectLiteralExpression(left)) {
          flow.raise(s);
          for (const name of assignedNames(left)) setUnknown(s, name);
        }
      }
      return value;
    }
    if (op === T.SyntaxKind.AmpersandAmpersandToken || op === T.SyntaxKind.BarBarToken || op === T.SyntaxKind.QuestionQuestionToken) {
      const left = this.expr(b.left, s);
      this.responseStateTest(b.left, s);
      const rightState = copy(s);
      const right = this.expr(b.right, rightState);
      mergeAlternatives(s, s, rightState);
      // `a && b` yields a falsy `a` or `b`; `a || b` a truthy `a` or `b`; `a ?? b` a non-null `a` or `b`.
      if (op === T.SyntaxKind.QuestionQuestionToken) return nullishFallback(left, right);
      return left | right;
    }
    if (op >= T.SyntaxKind.FirstCompoundAssignment && op <= T.SyntaxKind.LastCompoundAssignment) {
      this.expr(b.left, s);
      this.expr(b.right, s);
      const left = stripParens(b.left);
      if (T.isIdentifier(left)) setUnknown(s, left.text);
      return UNKNOWN;
    }
    if (op === T.SyntaxKind.CommaToken) {
      this.expr(b.left, s);
      return this.expr(b.right, s);
    }
    flow.use(this.expr(b.left, s), s);
    flow.use(this.expr(b.right, s), s);
    // `in` and `instanceof` raise on a right side that is not an object (arithmetic is taken not to).
    if (op === T.SyntaxKind.InKeyword || op === T.SyntaxKind.InstanceOfKeyword) flow.raise(s);
    // Comparisons and arithmetic: certainly not a response.
    return op === T.SyntaxKind.InstanceOfKeyword || op === T.SyntaxKind.InKeyword || (op >= T.SyntaxKind.FirstBinaryOperator && op <= T.SyntaxKind.LastBinaryOperator) ? NOT_RESPONSE : UNKNOWN;
  }

  private call(c: ts.CallExpression, s: State): number {
    const flow = this.flow;
    const callee = stripParens(c.expression);
    if (this.isNextCall(c)) {
      if (T.isPropertyAccessExpression(callee) && callee.expression.kind === T.SyntaxKind.ThisKeyword) flow.selfCall(callee.name.text, callee);
      for (const arg of c.arguments) this.expr(arg, s);
      if (this.options.next.linear && endsBranch(c)) flow.endsBranch(c);
      return flow.callNext(c, s);
    }
    if (T.isPropertyAccessExpression(callee)) {
      // Evaluate the object (request reads, un-awaited uses), not the method itself.
      this.access(callee, s, 'call');
      if (callee.expression.kind === T.SyntaxKind.ThisKeyword) flow.selfCall(callee.name.text, callee);
    } else if (!T.isIdentifier(callee)) this.expr(callee, s);
    for (const arg of c.arguments) flow.use(this.expr(arg, s), s);
    flow.raise(s);
    if (this.isSend(c)) {
      if (endsBranch(c)) flow.endsBranch(c);
      flow.sendResponse(c, s);
    }
    const responses = this.options.responses;
    const method = responses && this.contextMethod(callee);
    if (responses && method !== undefined) {
      if (responses.respond.has(method)) return RESPONSE;
      if (responses.nothing.has(method)) return NOTHING;
      // A method not known may respond (`c.render(...)` with a renderer that sets `c.res`).
      if (!responses.read.has(method)) flow.contextHandedOn(s);
      return UNKNOWN;
    }
    if (T.isPropertyAccessExpression(callee) && RESPONSE_FACTORY_METHODS.has(callee.name.text) && endsWithResponse(callee.expression)) return RESPONSE;
    return UNKNOWN;
  }

  /**
   * Linear contract: a condition that reads whether the response went out (`res.headersSent`,
   * `res.writableEnded`, ...): the code after it knows what the path did, so earlier completions no
   * longer make a later one late (`if (res.headersSent) return next(err);` in a `catch` after a send
   * is Express's documented idiom).
   */
  private responseStateTest(condition: ts.Expression, s: State): void {
    const response = this.response;
    if (!response) return;
    let reads = false;
    const visit = (n: ts.Node): void => {
      if (reads || isFunctionLike(n)) return;
      if (T.isPropertyAccessExpression(n) && RESPONSE_STATE.has(n.name.text) && T.isIdentifier(stripParens(n.expression)) && (stripParens(n.expression) as ts.Identifier).text === response.name) reads = true;
      else T.forEachChild(n, visit);
    };
    visit(condition);
    if (reads) this.flow.responseStateKnown(s);
  }

  /**
   * Linear contract: a call that sends the response: a send method on the response parameter or on
   * a chain of its chainable methods (`res.status(404).json(...)`). `res.render(view, callback)`
   * hands the rendered page to the callback instead of sending it, so only `render(view)` and
   * `render(view, { ...locals })` count.
   */
  private isSend(c: ts.CallExpression): boolean {
    const response = this.response;
    const callee = stripParens(c.expression);
    if (!response || !T.isPropertyAccessExpression(callee) || !response.sendMethods.has(callee.name.text)) return false;
    if (callee.name.text === 'render' && (c.arguments.length > 2 || (c.arguments.length === 2 && !T.isObjectLiteralExpression(stripParens(c.arguments[1]!))))) return false;
    let object = stripParens(callee.expression);
    while (T.isCallExpression(object)) {
      const inner = stripParens(object.expression);
      if (!T.isPropertyAccessExpression(inner) || !response.chainMethods.has(inner.name.text)) return false;
      object = stripParens(inner.expression);
    }
    return T.isIdentifier(object) && object.text === response.name;
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
    // `this.x` is taken not to raise.
    if (object.kind === T.SyntaxKind.ThisKeyword) return UNKNOWN;
    // A member of the context read or called is followed (the call decides); a write (`c.res = ...`) may respond.
    const context = this.isContext(object);
    if (context && how === 'write') this.flow.contextHandedOn(s);
    const objectValue = context ? this.flow.readLocal(object.text, s) : this.expr(object, s);
    if (this.flow.member(objectValue, name, s)) {
      this.flow.unawaitedUse({ range: rangeOf(e, this.sf), kind: how === 'write' ? 'write' : 'read', member: name!, text: object.getText(this.sf) });
    }
    const attribute = name !== undefined ? requestAttribute(object, name) : undefined;
    if (attribute) this.flow.requestAccess(attribute.local, attribute.attribute, how === 'write' ? 'write' : 'read', s, e);
    return UNKNOWN;
  }
}

const PROMISE_MEMBERS = new Set(['then', 'catch', 'finally']);

/** Members of a request or context that hold attributes of their own (Koa's `ctx.request.body`, `ctx.state.user`). */
const REQUEST_CONTAINERS: ReadonlySet<string> = new Set(['request', 'state']);

/**
 * The request attribute a member access names, on the local it starts from: `req.body` is `body`
 * of `req`; Koa's containers hold attributes of their own (`ctx.request.body` is `request.body` of `ctx`).
 */
export function requestAttribute(object: ts.Expression, member: string): { local: string; attribute: string } | undefined {
  const o = stripParens(object);
  if (T.isIdentifier(o)) return { local: o.text, attribute: member };
  if (T.isPropertyAccessExpression(o) && T.isIdentifier(o.expression) && REQUEST_CONTAINERS.has(o.name.text)) return { local: o.expression.text, attribute: `${o.name.text}.${member}` };
  return undefined;
}

/** Members of Node's response that tell whether it went out. */
const RESPONSE_STATE = new Set(['headersSent', 'writableEnded', 'writableFinished', 'finished']);

/** Expressions of the generic case that never raise of their own (built on first use: `T` loads lazily). */
let nonRaising: Set<ts.SyntaxKind> | undefined;
function neverRaises(kind: ts.SyntaxKind): boolean {
  nonRaising ??= new Set<ts.SyntaxKind>([
    T.SyntaxKind.ArrayLiteralExpression,
    T.SyntaxKind.ObjectLiteralExpression,
    T.SyntaxKind.ThisKeyword,
    T.SyntaxKind.SuperKeyword,
    T.SyntaxKind.RegularExpressionLiteral,
    T.SyntaxKind.OmittedExpression,
  ]);
  return nonRaising.has(kind);
}

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

/**
 * A reference to the next layer that certainly neither calls it nor hands it on: awaited, returned,
 * discarded (`next;`, `void next`), or an arrow's expression body (`(ctx, next) => next`).
 */
function isInertUse(ref: ts.Expression): boolean {
  let node: ts.Node = ref;
  // `await next` is the function itself again: follow it up.
  while (T.isParenthesizedExpression(node.parent) || T.isAsExpression(node.parent) || T.isNonNullExpression(node.parent) || T.isSatisfiesExpression(node.parent) || T.isAwaitExpression(node.parent)) node = node.parent;
  const p = node.parent;
  if (!p) return false;
  if (T.isVoidExpression(p)) return true;
  if (T.isReturnStatement(p) || T.isExpressionStatement(p)) return true;
  return T.isArrowFunction(p) && p.body === node;
}

/** `opts.ctx`, `const { ctx } = opts`: a read of a property of the object, not the object handed on. */
function readsOwnProperty(id: ts.Identifier): boolean {
  const p = id.parent;
  if (p && T.isPropertyAccessExpression(p) && p.expression === id) return true;
  if (p && T.isVariableDeclaration(p) && p.initializer === id && T.isObjectBindingPattern(p.name)) return !p.name.elements.some((el) => el.dotDotDotToken);
  return false;
}

/**
 * A call that is a statement of its own ending an `if`/`else` branch or a `case` clause: the whole
 * branch (`if (!ok) next(err);`) or the last statement of the branch's block.
 */
function endsBranch(call: ts.CallExpression): boolean {
  const st = call.parent;
  if (!st || !T.isExpressionStatement(st)) return false;
  const holder = st.parent;
  if (T.isIfStatement(holder)) return true;
  if (T.isCaseClause(holder) || T.isDefaultClause(holder)) return holder.statements[holder.statements.length - 1] === st;
  return T.isBlock(holder) && holder.statements[holder.statements.length - 1] === st && T.isIfStatement(holder.parent);
}

/**
 * Whether `node` binds or assigns `name` so that it may no longer denote the parameter: a declaration
 * outside nested functions (a shadowing `const res = await fetch(url)`), or an assignment anywhere.
 */
function rebinds(node: ts.Node, name: string, inNested: boolean): boolean {
  const named = (n: ts.Node | undefined): boolean => n !== undefined && T.isIdentifier(n) && n.text === name;
  if (!inNested && (T.isVariableDeclaration(node) || T.isBindingElement(node) || T.isFunctionDeclaration(node) || T.isClassDeclaration(node))) {
    return T.isVariableDeclaration(node) || T.isBindingElement(node) ? boundNames(node.name).includes(name) : named(node.name);
  }
  if (T.isBinaryExpression(node) && node.operatorToken.kind >= T.SyntaxKind.FirstAssignment && node.operatorToken.kind <= T.SyntaxKind.LastAssignment) {
    // `res = other`, `[res] = pair`; not `res.locals.user = user`.
    const target = stripParens(node.left);
    return named(target) || ((T.isArrayLiteralExpression(target) || T.isObjectLiteralExpression(target)) && assignedNames(target).includes(name));
  }
  const counts = (T.isPrefixUnaryExpression(node) || T.isPostfixUnaryExpression(node)) && (node.operator === T.SyntaxKind.PlusPlusToken || node.operator === T.SyntaxKind.MinusMinusToken);
  return counts && named(node.operand);
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
