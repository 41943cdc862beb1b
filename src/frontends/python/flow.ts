/**
 * The Python walker of the flow core (src/flow/): it maps Python statements and expressions
 * (tree-sitter-python nodes) onto the core's operations. What a construct means for the state
 * (joins, the loop fixpoint, exceptional edges, exit records) is decided in the core; what is
 * decided here is only which syntax is which construct. See src/flow/index.ts for the protocol.
 */
import type { Node } from 'web-tree-sitter';
import {
  FlowBuilder,
  mergeAlternatives,
  NEXT_RESULT,
  NOT_RESPONSE,
  NOTHING,
  RESPONSE,
  UNKNOWN,
  UNREACHABLE,
  copy,
  join,
  setUnknown,
  type State,
} from '../../flow/index.js';
import type { FunctionSummary, Range } from '../../model.js';
import { items, rangeOf, unwrap } from './syntax.js';

/** How the next layer is reached from inside the function being summarised. */
export interface PythonNextAccess {
  /** Names bound to the next layer (a factory's parameter, as the closure sees it). */
  identifiers: ReadonlySet<string>;
  /** `self.<member>` names that hold the next layer. */
  members: ReadonlySet<string>;
  /** The next layer's result is a coroutine (an `async def` handler with an unknown next layer). */
  promiseLike: boolean;
}

export interface PythonSummaryOptions {
  name: string;
  nameRange: Range;
  next: PythonNextAccess;
  /** A method: its first parameter is the instance (`self`), not the request. */
  method: boolean;
  /** A parameter (by position after `self`) and what it holds: a hook's response or exception. */
  paramKinds?: Array<{ index: number; kind: 'response' | 'exception' }>;
}

/** Nodes that open a scope of their own: the walk does not enter them. */
export const NESTED_SCOPES = new Set(['function_definition', 'lambda', 'class_definition', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** Exception types that catch (as good as) everything: `except:`, `except Exception:`, `except BaseException:`. */
const CATCH_ALL_TYPES = new Set(['Exception', 'BaseException', 'builtins.Exception', 'builtins.BaseException']);

/** Members of an un-awaited coroutine that are not a misuse of it. */
const COROUTINE_MEMBERS = new Set(['send', 'throw', 'close', '__await__']);

/** Literals that never raise and are certainly not a response. */
const NOT_RESPONSE_LITERALS = new Set(['true', 'false', 'integer', 'float', 'string', 'concatenated_string', 'ellipsis']);

export function isAsyncDef(fn: Node): boolean {
  return fn.children.some((c) => c.type === 'async');
}

/** The name a parameter binds (`x`, `x: T`, `x=1`, `x: T = 1`), or undefined for `*args`, `/`... */
export function parameterName(p: Node): string | undefined {
  if (p.type === 'identifier') return p.text;
  if (p.type === 'typed_parameter') {
    const first = p.namedChildren[0];
    return first?.type === 'identifier' ? first.text : undefined;
  }
  if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
    const name = p.childForFieldName('name');
    return name?.type === 'identifier' ? name.text : undefined;
  }
  return undefined;
}

/** The positional parameters of a function definition, in order, with their names where they have one. */
export function parametersOf(fn: Node): Node[] {
  const params = fn.childForFieldName('parameters');
  return params ? items(params).filter((p) => p.type !== 'keyword_separator' && p.type !== 'positional_separator') : [];
}

/** Names bound by an assignment target (`a`, `a, b`, `[a, *b]`); attributes and subscripts bind none. */
function targetNames(target: Node): string[] {
  const t = unwrap(target);
  if (t.type === 'identifier') return [t.text];
  if (t.type === 'attribute' || t.type === 'subscript') return [];
  return items(t).flatMap(targetNames);
}

/** Summarises one handler or hook (a `function_definition`). */
export function summarizePython(fn: Node, text: string, options: PythonSummaryOptions): FunctionSummary {
  return new PythonWalker(fn, text, options).run();
}

class PythonWalker {
  private readonly flow: FlowBuilder<Node>;
  private readonly aliases = new Set<string>();
  /** The instance parameter of a method (`self`). */
  private readonly selfName: string | undefined;
  /**
   * The first node object seen for each syntax node. web-tree-sitter returns a new object on every
   * access, and the core keys exits, call sites and the call an `await` awaits by node: a return
   * walked twice (a finally block per way in, a loop body per pass) must be the same key.
   */
  private readonly nodes = new Map<number, Node>();

  constructor(
    private readonly fn: Node,
    private readonly text: string,
    private readonly options: PythonSummaryOptions,
  ) {
    this.flow = new FlowBuilder({ name: options.name, nameRange: options.nameRange, promiseLike: options.next.promiseLike, awaitableMembers: COROUTINE_MEMBERS });
    const names = parametersOf(fn).map(parameterName);
    if (options.method) this.selfName = names.shift();
    if (names[0] !== undefined) this.flow.param(names[0], 'request');
    for (const { index, kind } of options.paramKinds ?? []) {
      const name = names[index];
      if (name !== undefined) this.flow.param(name, kind);
    }
    this.prescan();
  }

  private key(node: Node): Node {
    const known = this.nodes.get(node.id);
    if (known) return known;
    this.nodes.set(node.id, node);
    return node;
  }

  private get body(): Node | null {
    return this.fn.childForFieldName('body');
  }

  /**
   * One syntactic pass over the whole function, nested scopes included: locals aliasing the next
   * layer, locals that nested scopes read or rebind (`nonlocal`, a walrus in a comprehension), and
   * every reference to and call of the next layer.
   */
  private prescan(): void {
    const body = this.body;
    if (!body) return;
    const visit = (node: Node, nested: boolean): void => {
      const inside = nested || (NESTED_SCOPES.has(node.type) && node !== this.fn);
      if (node.type === 'assignment') {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.type === 'identifier' && right && this.isNextRef(right)) this.aliases.add(left.text);
      }
      if (inside) {
        if (node.type === 'identifier') this.flow.readInNestedScope(node.text);
        else if (node.type === 'nonlocal_statement') for (const id of items(node)) this.flow.assignedInNestedScope(id.text);
        else if (node.type === 'named_expression') {
          const name = node.childForFieldName('name');
          if (name) this.flow.assignedInNestedScope(name.text);
        }
      }
      for (const child of node.namedChildren) visit(child, inside);
    };
    visit(body, false);
    const ownName = this.fn.childForFieldName('name')?.text;
    const refs = (node: Node): void => {
      // `super().__call__(request)` runs the base class's handler, which may call the next layer.
      if (node.type === 'call' && ownName !== undefined && this.isSuperMethod(node.childForFieldName('function'), ownName)) this.flow.referencesNext();
      if (this.isNextRef(node)) {
        this.flow.referencesNext();
        const parent = node.parent;
        if (parent?.type === 'call' && parent.childForFieldName('function')?.id === node.id) this.flow.nextCallSite(rangeOf(parent));
        return;
      }
      for (const child of node.namedChildren) refs(child);
    };
    refs(body);
  }

  private isSuperMethod(callee: Node | null, name: string): boolean {
    const c = callee && unwrap(callee);
    if (c?.type !== 'attribute' || c.childForFieldName('attribute')?.text !== name) return false;
    const object = c.childForFieldName('object');
    return object?.type === 'call' && object.childForFieldName('function')?.text === 'super';
  }

  /** Whether an expression denotes the next layer itself (not a call of it). */
  private isNextRef(node: Node): boolean {
    const e = unwrap(node);
    if (e.type === 'identifier') return this.options.next.identifiers.has(e.text) || this.aliases.has(e.text);
    if (e.type === 'attribute' && this.selfName !== undefined) {
      const object = e.childForFieldName('object');
      const attr = e.childForFieldName('attribute')?.text;
      if (object?.type === 'identifier' && object.text === this.selfName && attr !== undefined && this.options.next.members.has(attr)) {
        this.flow.nextMember(attr);
        return true;
      }
    }
    return false;
  }

  private isNextCall(call: Node): boolean {
    const callee = call.childForFieldName('function');
    return callee !== null && this.isNextRef(callee);
  }

  /** A next-layer call, possibly awaited, as an expression of its own. */
  private isBareNextCall(node: Node): boolean {
    let e = unwrap(node);
    if (e.type === 'await') e = unwrap(e.namedChildren[0] ?? e);
    return e.type === 'call' && this.isNextCall(e);
  }

  run(): FunctionSummary {
    const flow = this.flow;
    const body = this.body;
    if (body) {
      const end = this.block(body, flow.entryState());
      if (end.reachable) {
        // Python has no closing brace: the exit is the body's last character, a fix goes on the line after it.
        const last = Math.max(body.startIndex, body.endIndex - 1);
        const fixVar = flow.returnFixVariable(end);
        // The start of the line after the body; the end of the file when the body ends it without a line break.
        const nextLine = this.text.indexOf('\n', body.endIndex);
        const offset = nextLine >= 0 ? nextLine + 1 : this.text.length;
        const fix = fixVar !== undefined ? { variable: fixVar, offset, indent: this.indentOf(items(body)[0] ?? body) } : undefined;
        flow.fallOffEnd(body, { start: last, end: last + 1 }, end, fix);
      }
    }
    return flow.build(rangeOf(this.fn), isAsyncDef(this.fn), rangeOf);
  }

  private indentOf(node: Node): string {
    let i = node.startIndex;
    while (i > 0 && this.text[i - 1] !== '\n' && this.text[i - 1] !== '\r') i--;
    return /^[ \t]*/.exec(this.text.slice(i))![0];
  }

  /** A short description of a value that is certainly not a response, for messages. */
  private describe(node: Node): string | undefined {
    const e = unwrap(node);
    if (e.type === 'identifier') return this.flow.describeLocal(e.text);
    if (e.type === 'true' || e.type === 'false' || e.type === 'integer' || e.type === 'float') return `\`${e.text}\``;
    if (e.type === 'string' || e.type === 'concatenated_string') return 'a string';
    return CONTAINERS.get(e.type);
  }

  // ---- statements -------------------------------------------------------------------------

  private block(block: Node, state: State): State {
    let s = state;
    for (const st of items(block)) {
      if (!s.reachable) break;
      s = this.statement(st, s);
    }
    return s;
  }

  private statement(st: Node, input: State): State {
    const s = copy(input);
    const flow = this.flow;
    switch (st.type) {
      case 'expression_statement':
        for (const e of items(st)) {
          const value = this.expr(e, s);
          if (value & NEXT_RESULT && this.isBareNextCall(e)) flow.drop(s);
        }
        return s;
      case 'return_statement': {
        const value = items(st)[0];
        if (!value) return flow.returnValue(this.key(st), NOTHING, false, s);
        const kinds = this.expr(value, s);
        return flow.returnValue(this.key(st), kinds, true, s, { valueRange: rangeOf(unwrap(value)), description: this.describe(value) });
      }
      case 'raise_statement':
        for (const e of items(st)) this.expr(e, s);
        return flow.throwValue(this.key(st), s);
      case 'assert_statement': {
        const [condition, message] = items(st);
        if (condition && unwrap(condition).type === 'false') return flow.throwValue(this.key(st), s);
        if (condition) this.expr(condition, s);
        if (message) this.expr(message, s);
        flow.raise(s);
        return s;
      }
      case 'if_statement':
        return this.ifChain(st, s);
      case 'for_statement':
      case 'while_statement':
        return this.loop(st, s);
      case 'try_statement':
        return this.tryStatement(st, s);
      case 'with_statement':
        return this.withStatement(st, s);
      case 'match_statement':
        return this.matchStatement(st, s);
      case 'break_statement':
      case 'continue_statement':
        return flow.jump(st.type === 'break_statement', undefined, s);
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition': {
        const def = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
        for (const d of st.type === 'decorated_definition' ? items(st).filter((c) => c.type === 'decorator') : []) this.expr(d, s);
        const name = def?.childForFieldName('name');
        if (name) setUnknown(s, name.text);
        return s;
      }
      case 'delete_statement':
        // `del response["Server"]`, `del request.session`: the object is used and written; `del x` unbinds x.
        for (const t of items(st).flatMap((e) => (e.type === 'expression_list' ? items(e) : [e]))) {
          const target = unwrap(t);
          if (target.type === 'attribute' || target.type === 'subscript') this.access(target, s, 'delete');
        }
        for (const t of items(st).flatMap(targetNames)) setUnknown(s, t);
        flow.raise(s);
        return s;
      case 'pass_statement':
      case 'global_statement':
      case 'nonlocal_statement':
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        for (const name of st.type.startsWith('import') ? importedNames(st) : []) setUnknown(s, name);
        return s;
      default:
        for (const e of items(st)) if (e.type !== 'block') flow.use(this.expr(e, s), s);
        flow.raise(s);
        return s;
    }
  }

  /** `if` / `elif` / `else`: each branch on a copy of the state where its condition was evaluated. */
  private ifChain(st: Node, s: State): State {
    const condition = st.childForFieldName('condition');
    if (condition) this.expr(condition, s);
    const consequence = st.childForFieldName('consequence');
    let out = consequence ? this.block(consequence, copy(s)) : copy(s);
    /** The state where every condition so far was false. */
    let rest: State = s;
    for (const alt of st.childrenForFieldName('alternative')) {
      if (alt.type === 'else_clause') {
        const body = alt.childForFieldName('body');
        out = join(out, body ? this.block(body, copy(rest)) : rest);
        rest = UNREACHABLE;
        break;
      }
      const c = alt.childForFieldName('condition');
      if (c) this.expr(c, rest);
      const body = alt.childForFieldName('consequence');
      out = join(out, body ? this.block(body, copy(rest)) : copy(rest));
    }
    return join(out, rest);
  }

  private loop(st: Node, s: State): State {
    const flow = this.flow;
    const isFor = st.type === 'for_statement';
    const isAsyncFor = isFor && st.children.some((c) => c.type === 'async');
    if (isFor) {
      const right = st.childForFieldName('right');
      if (right) flow.use(this.expr(right, s), s);
    }
    const condition = st.childForFieldName('condition');
    // `while True:` ends only through break (or return / raise).
    const infinite = !isFor && condition !== null && (unwrap(condition).type === 'true' || unwrap(condition).text === '1');
    const left = st.childForFieldName('left');
    const body = st.childForFieldName('body');
    const loop = flow.loop(s);
    for (let bodyIn = loop.nextPass(); bodyIn; bodyIn = loop.nextPass()) {
      if (condition) this.expr(condition, bodyIn);
      // Taking the next element calls the iterator (and awaits it for `async for`), which may raise.
      if (isFor || isAsyncFor) flow.raise(bodyIn);
      const normalExit = infinite ? UNREACHABLE : copy(bodyIn);
      if (left) for (const name of targetNames(left)) setUnknown(bodyIn, name);
      const bodyOut = loop.endBody(body ? this.block(body, bodyIn) : bodyIn);
      loop.endPass(bodyOut, normalExit);
    }
    const orElse = st.childForFieldName('alternative')?.childForFieldName('body');
    // The `else:` block runs where the loop ends without a break.
    return orElse ? join(this.block(orElse, copy(loop.normalExit)), loop.breaks) : loop.exit();
  }

  private tryStatement(st: Node, s: State): State {
    const body = st.childForFieldName('body');
    const clauses = items(st);
    const handlers = clauses.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause');
    const orElse = clauses.find((c) => c.type === 'else_clause')?.childForFieldName('body');
    const finallyBlock = clauses.find((c) => c.type === 'finally_clause');
    const finallyBody = finallyBlock && items(finallyBlock).find((c) => c.type === 'block');
    return this.flow.tryStatement(s, {
      body: (entry) => (body ? this.block(body, entry) : entry),
      handlers:
        handlers.length > 0
          ? (entry) => {
              let out: State = UNREACHABLE;
              for (const h of handlers) {
                const hs = copy(entry);
                const value = h.childForFieldName('value');
                if (value) this.expr(value, hs);
                const alias = h.childForFieldName('alias');
                if (alias) for (const name of targetNames(alias)) setUnknown(hs, name);
                const block = items(h).find((c) => c.type === 'block');
                out = join(out, block ? this.block(block, hs) : hs);
              }
              return out;
            }
          : undefined,
      handlersCatchAll: handlers.some((h) => catchesAll(h)),
      orElse: orElse ? (entry) => this.block(orElse, entry) : undefined,
      finally: finallyBody ? (entry) => this.block(finallyBody, entry) : undefined,
    });
  }

  /** `with` / `async with`: the context managers entered in order, the body a try whose finally block is their exit. */
  private withStatement(st: Node, s: State): State {
    const clause = items(st).find((c) => c.type === 'with_clause');
    for (const item of clause ? items(clause) : []) {
      const value = item.childForFieldName('value');
      if (!value) continue;
      const v = unwrap(value);
      if (v.type === 'as_pattern') {
        const [manager, target] = items(v);
        if (manager) this.expr(manager, s);
        for (const name of target ? targetNames(items(target)[0] ?? target) : []) setUnknown(s, name);
      } else this.expr(v, s);
      // Entering a context manager calls `__enter__` (awaits `__aenter__`), which may raise.
      this.flow.raise(s);
    }
    const body = st.childForFieldName('body');
    return this.flow.tryStatement(s, {
      body: (entry) => (body ? this.block(body, entry) : entry),
      finally: (entry) => entry,
    });
  }

  private matchStatement(st: Node, s: State): State {
    const subject = st.childForFieldName('subject');
    if (subject) this.expr(subject, s);
    let out: State = UNREACHABLE;
    let exhaustive = false;
    for (const clause of items(st.childForFieldName('body') ?? st).filter((c) => c.type === 'case_clause')) {
      const entry = copy(s);
      const patterns = items(clause).filter((c) => c.type === 'case_pattern');
      for (const p of patterns) for (const id of p.descendantsOfType('identifier')) if (id.parent?.type !== 'dotted_name' || id.parent.namedChildren.length === 1) setUnknown(entry, id.text);
      const guard = clause.childForFieldName('guard');
      if (guard) for (const g of items(guard)) this.expr(g, entry);
      // `case _:` or a bare capture without a guard matches everything.
      if (!guard && patterns.length === 1 && /^[A-Za-z_]\w*$/.test(patterns[0]!.text)) exhaustive = true;
      const consequence = clause.childForFieldName('consequence');
      out = join(out, consequence ? this.block(consequence, entry) : entry);
    }
    return exhaustive ? out : join(out, s);
  }

  // ---- expressions ------------------------------------------------------------------------

  /** Evaluates an expression for its possible kinds, updating the state in place. */
  private expr(node: Node, s: State): number {
    const e = unwrap(node);
    const flow = this.flow;
    if (NOT_RESPONSE_LITERALS.has(e.type)) {
      // An f-string's interpolations are evaluated.
      for (const i of e.descendantsOfType('interpolation')) for (const part of items(i)) flow.use(this.expr(part, s), s);
      return NOT_RESPONSE;
    }
    if (NESTED_SCOPES.has(e.type)) return UNKNOWN;
    switch (e.type) {
      case 'none':
        return NOTHING;
      case 'identifier':
        return flow.readLocal(e.text, s);
      case 'await': {
        const operand = e.namedChildren[0];
        if (!operand) return UNKNOWN;
        return flow.awaitValue(this.key(unwrap(operand)), this.expr(operand, s), s);
      }
      case 'conditional_expression': {
        // `a if c else b`
        const [whenTrue, condition, whenFalse] = items(e);
        if (condition) this.expr(condition, s);
        const a = copy(s);
        const b = copy(s);
        const va = whenTrue ? this.expr(whenTrue, a) : UNKNOWN;
        const vb = whenFalse ? this.expr(whenFalse, b) : UNKNOWN;
        mergeAlternatives(s, a, b);
        return va | vb;
      }
      case 'boolean_operator': {
        // `a and b` yields a falsy `a` or `b`; `a or b` a truthy `a` or `b`.
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        const lv = left ? this.expr(left, s) : UNKNOWN;
        const rightState = copy(s);
        const rv = right ? this.expr(right, rightState) : UNKNOWN;
        mergeAlternatives(s, s, rightState);
        return lv | rv;
      }
      case 'named_expression': {
        const name = e.childForFieldName('name');
        const value = e.childForFieldName('value');
        const v = value ? this.expr(value, s) : UNKNOWN;
        if (name) flow.assign(name.text, v, s, (v & NEXT_RESULT) !== 0 && value !== null && this.isBareNextCall(value));
        return v;
      }
      case 'assignment':
        return this.assignment(e, s);
      case 'augmented_assignment': {
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        if (right) flow.use(this.expr(right, s), s);
        if (left) {
          if (left.type === 'identifier') {
            flow.use(flow.readLocal(left.text, s), s);
            setUnknown(s, left.text);
          } else this.expr(left, s);
        }
        flow.raise(s);
        return UNKNOWN;
      }
      case 'not_operator':
      case 'comparison_operator':
      case 'binary_operator':
      case 'unary_operator':
        // Operators: the operands are used; the result is a boolean or a number, not a response.
        for (const part of items(e)) flow.use(this.expr(part, s), s);
        if (e.type !== 'not_operator') flow.raise(s);
        return NOT_RESPONSE;
      case 'call':
        return this.call(e, s);
      case 'attribute':
      case 'subscript':
        return this.access(e, s, 'read');
      default:
        // Lists, tuples, dicts, sets, splats, yields, slices...: evaluate the parts.
        for (const part of items(e)) {
          if (part.type === 'pair') for (const kv of items(part)) flow.use(this.expr(kv, s), s);
          else flow.use(this.expr(part, s), s);
        }
        if (!NON_RAISING.has(e.type)) flow.raise(s);
        // A tuple, list, dict or set display is certainly not a response (`return response, 200`).
        return CONTAINERS.has(e.type) ? NOT_RESPONSE : UNKNOWN;
    }
  }

  private assignment(e: Node, s: State): number {
    const flow = this.flow;
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    // An annotation alone (`x: int`) binds nothing.
    if (!right) return NOTHING;
    const value = this.expr(right, s);
    const target = left && unwrap(left);
    if (!target) return value;
    if (target.type === 'identifier') flow.assign(target.text, value, s, (value & NEXT_RESULT) !== 0 && this.isBareNextCall(right));
    else if (target.type === 'attribute' || target.type === 'subscript') {
      flow.use(value, s);
      this.access(target, s, 'write');
    } else {
      // Unpacking may raise; its names are not followed.
      flow.use(value, s);
      flow.raise(s);
      for (const name of targetNames(target)) setUnknown(s, name);
    }
    return value;
  }

  private call(c: Node, s: State): number {
    const flow = this.flow;
    const callee = unwrap(c.childForFieldName('function') ?? c);
    const args = c.childForFieldName('arguments');
    const argValues = (): void => {
      if (!args || args.type === 'generator_expression') return;
      for (const arg of items(args)) {
        const value = arg.type === 'keyword_argument' ? arg.childForFieldName('value') : arg.type === 'list_splat' || arg.type === 'dictionary_splat' ? items(arg)[0] : arg;
        if (value) flow.use(this.expr(value, s), s);
      }
    };
    const selfMember = this.selfMember(callee);
    if (this.isNextCall(c)) {
      if (selfMember !== undefined) flow.selfCall(selfMember, this.key(callee));
      argValues();
      return flow.callNext(this.key(c), s);
    }
    if (callee.type === 'attribute') {
      // Evaluate the object (request reads, un-awaited uses), not the method itself.
      this.access(callee, s, 'call');
      if (selfMember !== undefined) flow.selfCall(selfMember, this.key(callee));
    } else if (callee.type !== 'identifier') this.expr(callee, s);
    argValues();
    flow.raise(s);
    const name = callee.type === 'identifier' ? callee.text : callee.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
    // `HttpResponse(...)`, `JsonResponse(...)`, `HttpResponseRedirect(...)`: a response built here.
    return name !== undefined && /^[A-Z]\w*Response/.test(name) ? RESPONSE : UNKNOWN;
  }

  /** `self.<name>` → name. */
  private selfMember(node: Node): string | undefined {
    if (node.type !== 'attribute' || this.selfName === undefined) return undefined;
    const object = node.childForFieldName('object');
    return object?.type === 'identifier' && object.text === this.selfName ? node.childForFieldName('attribute')?.text : undefined;
  }

  /** An attribute or subscript: request attribute reads/writes, and uses of an un-awaited next result. */
  private access(e: Node, s: State, how: 'read' | 'write' | 'delete' | 'call'): number {
    const isAttribute = e.type === 'attribute';
    const object = unwrap((isAttribute ? e.childForFieldName('object') : e.childForFieldName('value')) ?? e);
    let name: string | undefined;
    if (isAttribute) name = e.childForFieldName('attribute')?.text;
    else {
      const key = e.childForFieldName('subscript');
      if (key) {
        this.expr(key, s);
        const k = unwrap(key);
        if (k.type === 'string') name = k.text.replace(/^[a-zA-Z]*['"]+|['"]+$/g, '');
      }
    }
    // `self.x` is taken not to raise.
    if (isAttribute && object.type === 'identifier' && object.text === this.selfName) return UNKNOWN;
    const objectValue = this.expr(object, s);
    if (this.flow.member(objectValue, name, s)) {
      this.flow.unawaitedUse({ range: rangeOf(e), kind: how === 'call' ? 'read' : how, member: name!, text: object.text, ...(isAttribute ? {} : { item: true }) });
    }
    if (object.type === 'identifier' && name !== undefined) this.flow.requestAccess(object.text, name, how === 'write' || how === 'delete' ? 'write' : 'read', s, e);
    return UNKNOWN;
  }
}

/** Displays that build a container, never a response, and how messages name them. */
const CONTAINERS = new Map([['tuple', 'a tuple'], ['expression_list', 'a tuple'], ['list', 'a list'], ['dictionary', 'a dict'], ['set', 'a set']]);

/** Expressions of the generic case that never raise of their own. */
const NON_RAISING = new Set(['list', 'tuple', 'dictionary', 'set', 'expression_list', 'keyword_argument', 'list_splat', 'dictionary_splat', 'parenthesized_expression']);

/** Whether an except clause catches every exception the analysis cares about. */
function catchesAll(clause: Node): boolean {
  const value = clause.childForFieldName('value');
  if (!value) return clause.type === 'except_clause';
  const v = unwrap(value);
  const types = v.type === 'tuple' ? items(v) : [v];
  return types.some((t) => CATCH_ALL_TYPES.has(t.text));
}

/** Names an import statement binds in the function's scope. */
function importedNames(st: Node): string[] {
  const out: string[] = [];
  for (const n of st.childrenForFieldName('name')) {
    if (n.type === 'aliased_import') {
      const alias = n.childForFieldName('alias');
      if (alias) out.push(alias.text);
    } else out.push(n.text.split('.')[0]!);
  }
  return out;
}
