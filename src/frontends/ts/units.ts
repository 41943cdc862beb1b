import type { ts } from 'ts-morph';
import { dotted, rangeOf } from './syntax.js';
import { T } from './typescript.js';
import type { NameSettings } from '../../config.js';
import type { ClassFactory, FunctionSummary, HookName, Range, Unit, UnitEvidence } from '../../model.js';
import { stripParens, summarize, type NextAccess } from './flow.js';

export const HOOKS: Record<string, HookName> = {
  processView: 'processView',
  process_view: 'processView',
  processException: 'processException',
  process_exception: 'processException',
  processTemplateResponse: 'processTemplateResponse',
  process_template_response: 'processTemplateResponse',
};

/**
 * `next` alone names too many things (Redux middleware `next => action => ...`, linked lists):
 * it marks middleware only together with other evidence — the handler calls it, or a stack lists it.
 */
export const WEAK_NEXT_NAMES = new Set(['next']);


export function memberName(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (T.isIdentifier(name) || T.isPrivateIdentifier(name) || T.isStringLiteral(name)) return name.text;
  return undefined;
}

/**
 * Whether a parameter is the next layer: by name (`getResponse`, configurable), or by type — a
 * function type that returns a response or a promise of one, or a configured type name.
 */
function nextEvidence(param: ts.ParameterDeclaration | undefined, names: NameSettings): 'name' | 'type' | 'weakName' | undefined {
  if (!param || !T.isIdentifier(param.name)) return undefined;
  const weak = WEAK_NEXT_NAMES.has(param.name.text) && names.next.includes(param.name.text);
  if (names.next.includes(param.name.text) && !weak) return 'name';
  const type = param.type;
  // A weakly named parameter still counts fully when its type says request → response.
  if (!type) return weak ? 'weakName' : undefined;
  if (T.isFunctionTypeNode(type) && /Response\b/.test(type.type.getText())) return 'type';
  if (T.isTypeReferenceNode(type)) {
    const typeName = T.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
    if (names.nextTypes.includes(typeName)) return 'type';
  }
  return weak ? 'weakName' : undefined;
}

/** Whether the next layer's type says it returns a promise (true), a plain response (false), or nothing is known (null). */
function nextAsync(param: ts.ParameterDeclaration | undefined): boolean | null {
  const type = param?.type;
  if (!type || !T.isFunctionTypeNode(type)) return null;
  const ret = type.type.getText();
  if (/^(Promise|PromiseLike|Awaitable)\b/.test(ret)) return /^Awaitable\b/.test(ret) ? null : true;
  if (/\bPromise</.test(ret)) return null;
  return false;
}

function isAsyncFunction(fn: ts.FunctionLikeDeclaration): boolean {
  return !!fn.modifiers?.some((m) => m.kind === T.SyntaxKind.AsyncKeyword);
}

/** The name under which a class or function is known: its own, the variable it is assigned to, or `default`. */
export function declaredName(node: ts.ClassLikeDeclaration | ts.FunctionLikeDeclaration): { name: string; range: Range } | undefined {
  const sf = node.getSourceFile();
  if (node.name && T.isIdentifier(node.name)) return { name: node.name.text, range: rangeOf(node.name, sf) };
  const parent = node.parent;
  if (parent && T.isVariableDeclaration(parent) && T.isIdentifier(parent.name)) return { name: parent.name.text, range: rangeOf(parent.name, sf) };
  if (parent && T.isExportAssignment(parent)) return { name: 'default', range: { start: node.getStart(sf), end: node.getStart(sf) + (T.isClassLike(node) ? 5 : 8) } };
  if ((T.isClassDeclaration(node) || T.isFunctionDeclaration(node)) && node.modifiers?.some((m) => m.kind === T.SyntaxKind.DefaultKeyword)) {
    return { name: 'default', range: { start: node.getStart(sf), end: node.getStart(sf) + 6 } };
  }
  return undefined;
}

export interface UnitScan {
  units: Unit[];
  classFactories: ClassFactory[];
}

/** Finds every class-form and factory-form middleware in a file, with flow summaries. */
export function extractUnits(sf: ts.SourceFile, names: NameSettings): UnitScan {
  const units: Unit[] = [];
  const classFactories: ClassFactory[] = [];
  const classIndex = new Map<ts.Node, number>();

  const visit = (node: ts.Node): void => {
    if (T.isClassDeclaration(node) || T.isClassExpression(node)) {
      const unit = classUnit(node, sf, names);
      if (unit) {
        classIndex.set(node, units.length);
        units.push(unit);
      }
    } else if (T.isFunctionDeclaration(node) || T.isFunctionExpression(node) || T.isArrowFunction(node)) {
      const unit = factoryUnit(node, sf, names);
      if (unit) units.push(unit);
    }
    T.forEachChild(node, visit);
  };
  visit(sf);

  // Functions and static methods that return a class of this file: `corsMiddleware(opts)`.
  for (const [node, index] of classIndex) {
    const fn = enclosingReturner(node);
    if (!fn) continue;
    let name: string | undefined;
    let range: Range | undefined;
    if (T.isMethodDeclaration(fn) && fn.modifiers?.some((m) => m.kind === T.SyntaxKind.StaticKeyword)) {
      const owner = fn.parent;
      const ownerName = T.isClassLike(owner) ? declaredName(owner)?.name : undefined;
      const method = memberName(fn.name);
      if (ownerName && method) {
        name = `${ownerName}.${method}`;
        range = rangeOf(fn.name, sf);
      }
    } else if (!T.isMethodDeclaration(fn)) {
      const declared = declaredName(fn);
      if (declared) ({ name, range } = declared);
    }
    if (name && range) classFactories.push({ name, range, returnsUnit: index });
  }
  return { units, classFactories };
}

/** The function that returns this class or function expression (`return class extends X {}`, `return async (ctx, next) => ...`, or an arrow body). */
export function enclosingReturner(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  if (!T.isClassExpression(node) && !T.isArrowFunction(node) && !T.isFunctionExpression(node)) return undefined;
  let cur: ts.Node = node;
  while (T.isParenthesizedExpression(cur.parent) || T.isAsExpression(cur.parent)) cur = cur.parent;
  const p = cur.parent;
  if (T.isReturnStatement(p)) {
    let fn: ts.Node | undefined = p.parent;
    while (fn && !T.isFunctionLike(fn)) fn = fn.parent;
    return fn && (T.isFunctionDeclaration(fn) || T.isFunctionExpression(fn) || T.isArrowFunction(fn) || T.isMethodDeclaration(fn)) ? fn : undefined;
  }
  if (T.isArrowFunction(p) && p.body === cur) return p;
  return undefined;
}

function classUnit(node: ts.ClassLikeDeclaration, sf: ts.SourceFile, names: NameSettings): Unit | undefined {
  const ctor = node.members.find((m): m is ts.ConstructorDeclaration => T.isConstructorDeclaration(m) && m.body !== undefined);
  const heritage = node.heritageClauses?.find((h) => h.token === T.SyntaxKind.ExtendsKeyword)?.types[0];
  const baseExpr = heritage?.expression;
  const firstParam = ctor?.parameters[0];
  const byParam = nextEvidence(firstParam, names);
  let evidence: UnitEvidence | undefined = byParam === 'weakName' ? 'position' : byParam;
  if (!evidence && baseExpr) evidence = 'base';
  if (!evidence && firstParam && T.isIdentifier(firstParam.name)) evidence = 'position';
  if (!evidence) return undefined;

  const handlerMethod = findMethod(node, names.handler);
  const hookMethods = Object.keys(HOOKS).map((k) => [k, findMethod(node, [k])] as const).filter(([, m]) => m !== undefined);
  // A class with a next-layer constructor but no handler is still a unit: a base for others.
  if (evidence === 'position' && !handlerMethod) return undefined;
  // A bare subclass (`class Signed extends SessionMiddleware {}`) is a unit too: a stack may list it.

  const declared = declaredName(node) ?? { name: enclosingName(node) ?? 'anonymous class', range: rangeOf(node.getFirstToken(sf) ?? node, sf) };
  const nextParamName = firstParam && T.isIdentifier(firstParam.name) && evidence !== 'base' ? firstParam.name.text : undefined;

  // Where the constructor stores the next layer: parameter properties and `this.x = getResponse`.
  const nextFields: string[] = [];
  const members = new Set<string>();
  for (const m of node.members) {
    const n = memberName(m.name);
    if (n !== undefined && !T.isConstructorDeclaration(m)) members.add(n);
  }
  if (ctor) {
    for (const p of ctor.parameters) {
      const isProperty = T.getModifiers(p)?.some((m) => m.kind === T.SyntaxKind.PrivateKeyword || m.kind === T.SyntaxKind.PublicKeyword || m.kind === T.SyntaxKind.ProtectedKeyword || m.kind === T.SyntaxKind.ReadonlyKeyword);
      if (isProperty && T.isIdentifier(p.name)) {
        members.add(p.name.text);
        if (p === firstParam && nextParamName) nextFields.push(p.name.text);
      }
    }
  }
  const thisAssignments = (body: ts.Node, inCtor: boolean): void => {
    const visit = (n: ts.Node): void => {
      if (T.isBinaryExpression(n) && n.operatorToken.kind === T.SyntaxKind.EqualsToken) {
        const left = stripParens(n.left);
        if (T.isPropertyAccessExpression(left) && left.expression.kind === T.SyntaxKind.ThisKeyword) {
          const field = left.name.text;
          members.add(field);
          if (inCtor && nextParamName && isNextValue(n.right, nextParamName)) nextFields.push(field);
        }
      }
      // `Object.assign(this, { getResponse })`
      if (T.isCallExpression(n) && n.expression.getText(sf) === 'Object.assign' && n.arguments[0]?.kind === T.SyntaxKind.ThisKeyword) {
        for (const arg of n.arguments.slice(1)) {
          if (!T.isObjectLiteralExpression(arg)) continue;
          for (const prop of arg.properties) {
            const field = memberName(prop.name);
            if (field === undefined) continue;
            members.add(field);
            const value = T.isShorthandPropertyAssignment(prop) ? prop.name : T.isPropertyAssignment(prop) ? prop.initializer : undefined;
            if (inCtor && nextParamName && value && isNextValue(value, nextParamName)) nextFields.push(field);
          }
        }
      }
      if (!T.isClassLike(n)) T.forEachChild(n, visit);
    };
    visit(body);
  };
  for (const m of node.members) {
    if (T.isConstructorDeclaration(m) && m.body) thisAssignments(m.body, m === ctor);
    else if ((T.isMethodDeclaration(m) || T.isGetAccessor(m) || T.isSetAccessor(m)) && m.body) thisAssignments(m.body, false);
    else if (T.isPropertyDeclaration(m) && m.initializer) thisAssignments(m.initializer, false);
  }

  const superExpr = ctor && baseExpr ? firstSuperCall(ctor) : undefined;
  const superCall = superExpr && ctor ? { range: rangeOf(superExpr, sf), passesNext: !provablyNotNext(superExpr.arguments[0], ctor) } : undefined;

  const nextType = firstParam && nextParamName ? nextAsync(firstParam) : null;
  const methodNames = new Set(node.members.filter((m) => T.isMethodDeclaration(m)).map((m) => memberName(m.name)));
  const access = (fn: ts.FunctionLikeDeclaration): NextAccess => {
    const memberSet = new Set(nextFields);
    for (const n of names.next) if (!methodNames.has(n)) memberSet.add(n);
    return { identifiers: new Set(), members: memberSet, promiseLike: nextType === true || (nextType === null && isAsyncFunction(fn)) };
  };

  const summaryFor = (method: ts.FunctionLikeDeclaration, label: string, hook?: HookName): FunctionSummary =>
    summarize(method, sf, {
      name: `${declared.name}.${label}`,
      nameRange: method.name ? rangeOf(method.name, sf) : declared.range,
      next: access(method),
      ...(hook === 'processTemplateResponse' ? { paramKinds: [{ index: 1, kind: 'response' as const }] } : {}),
      ...(hook === 'processException' ? { paramKinds: [{ index: 1, kind: 'exception' as const }] } : {}),
    });

  const hooks: Partial<Record<HookName, FunctionSummary>> = {};
  for (const [label, method] of hookMethods) hooks[HOOKS[label]!] = summaryFor(method!, label, HOOKS[label]);
  const handler = handlerMethod ? summaryFor(handlerMethod, memberName(handlerMethod.name) ?? 'call') : undefined;
  // A handler that delegates to a method of its own (`return this.process(request)`) reaches the
  // next layer when that method does; one calling a method this class does not declare (inherited,
  // or assigned at run time) may reach it too. Either way call-next cannot prove it never does.
  if (handler && !handler.nextReferenced) {
    const nextMembers = access(handlerMethod!).members;
    const methods = new Map<string, ts.Node>();
    for (const m of node.members) {
      const n = memberName(m.name);
      if (n === undefined) continue;
      if (T.isMethodDeclaration(m) && m.body) methods.set(n, m.body);
      else if (T.isPropertyDeclaration(m) && m.initializer) methods.set(n, m.initializer);
    }
    const reachesNext = (name: string, seen: Set<string>): boolean => {
      if (nextMembers.has(name)) return true;
      const body = methods.get(name);
      if (body === undefined) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      let found = false;
      const visit = (n: ts.Node): void => {
        if (found) return;
        if (T.isPropertyAccessExpression(n) && n.expression.kind === T.SyntaxKind.ThisKeyword && methods.has(n.name.text) === false && nextMembers.has(n.name.text)) found = true;
        else if (T.isPropertyAccessExpression(n) && n.expression.kind === T.SyntaxKind.SuperKeyword) found = true;
        else if (T.isCallExpression(n) && T.isPropertyAccessExpression(n.expression) && n.expression.expression.kind === T.SyntaxKind.ThisKeyword && reachesNext(n.expression.name.text, seen)) found = true;
        else T.forEachChild(n, visit);
      };
      visit(body);
      return found;
    };
    if (handler.thisCalls.some((call) => reachesNext(call.name, new Set([memberName(handlerMethod!.name) ?? ''])))) handler.nextReferenced = true;
  }
  // A weakly named next layer that the handler actually calls is evidence enough.
  if (byParam === 'weakName' && handler?.nextCallSites.length) evidence = 'name';

  return {
    kind: 'class',
    name: declared.name,
    range: rangeOf(node, sf),
    nameRange: declared.range,
    evidence,
    ...(nextParamName && firstParam ? { nextParam: { name: nextParamName, range: rangeOf(firstParam, sf) } } : {}),
    nextIsAsync: nextType,
    nextFields: [...new Set(nextFields)],
    members: [...members],
    ...(baseExpr ? { base: { name: dotted(baseExpr) ?? (baseExpr.kind === T.SyntaxKind.ThisKeyword ? 'this' : '?'), range: rangeOf(baseExpr, sf) } } : {}),
    ...(ctor ? { constructorInfo: { range: rangeOf(ctor, sf), ...(superCall ? { superCall } : {}) } } : {}),
    ...(handler ? { handler } : {}),
    hooks,
  };
}

function enclosingName(node: ts.Node): string | undefined {
  let cur: ts.Node | undefined = node.parent;
  while (cur) {
    if (T.isFunctionDeclaration(cur) || T.isFunctionExpression(cur) || T.isArrowFunction(cur) || T.isMethodDeclaration(cur)) {
      if (T.isMethodDeclaration(cur)) {
        const owner = cur.parent;
        const ownerName = T.isClassLike(owner) ? declaredName(owner)?.name : undefined;
        const m = memberName(cur.name);
        return ownerName && m ? `${ownerName}.${m}()` : undefined;
      }
      const d = declaredName(cur);
      return d ? `${d.name}()` : undefined;
    }
    cur = cur.parent;
  }
  return undefined;
}

function isNextValue(e: ts.Expression, nextName: string): boolean {
  const inner = stripParens(e);
  if (T.isIdentifier(inner)) return inner.text === nextName;
  // `getResponse.bind(...)`, `getResponse ?? fallback`
  if (T.isCallExpression(inner) && T.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === 'bind') return isNextValue(inner.expression.expression, nextName);
  if (T.isBinaryExpression(inner) && (inner.operatorToken.kind === T.SyntaxKind.QuestionQuestionToken || inner.operatorToken.kind === T.SyntaxKind.BarBarToken)) return isNextValue(inner.left, nextName);
  return false;
}

/** A constructor's first `super(...)` call, outside the functions nested in it. */
export function firstSuperCall(ctor: ts.ConstructorDeclaration): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (T.isCallExpression(n) && n.expression.kind === T.SyntaxKind.SuperKeyword) found = n;
    else if (!T.isFunctionLike(n)) T.forEachChild(n, visit);
  };
  if (ctor.body) visit(ctor.body);
  return found;
}

/**
 * Whether the first argument of `super(...)` is certainly not the next layer: missing, a literal,
 * or another parameter of the constructor than its first (the one the framework fills with the
 * next layer, whatever its name). Anything else (a wrapper, a spread, a computed value) may be it.
 */
export function provablyNotNext(arg: ts.Expression | undefined, ctor: ts.ConstructorDeclaration): boolean {
  if (arg === undefined) return true;
  const e = stripParens(arg);
  if (T.isObjectLiteralExpression(e) || T.isArrayLiteralExpression(e) || T.isLiteralExpression(e) || T.isNoSubstitutionTemplateLiteral(e)) return true;
  if (e.kind === T.SyntaxKind.NullKeyword || e.kind === T.SyntaxKind.TrueKeyword || e.kind === T.SyntaxKind.FalseKeyword || T.isVoidExpression(e)) return true;
  if (T.isIdentifier(e)) {
    if (e.text === 'undefined') return true;
    const index = ctor.parameters.findIndex((p) => T.isIdentifier(p.name) && p.name.text === e.text);
    return index > 0;
  }
  return false;
}

/** The handler or hook: a method, or a property holding an arrow function or function expression. */
function findMethod(node: ts.ClassLikeDeclaration, candidates: string[]): ts.FunctionLikeDeclaration | undefined {
  for (const name of candidates) {
    for (const m of node.members) {
      if (memberName(m.name) !== name) continue;
      if (T.canHaveModifiers(m) && T.getModifiers(m)?.some((mod) => mod.kind === T.SyntaxKind.StaticKeyword)) continue;
      if (T.isMethodDeclaration(m) && m.body && !m.asteriskToken) return m;
      if (T.isPropertyDeclaration(m) && m.initializer) {
        const init = stripParens(m.initializer);
        if (T.isArrowFunction(init) || T.isFunctionExpression(init)) return init;
      }
    }
  }
  return undefined;
}

/** A function whose first parameter is the next layer and which returns the handler function. */
function factoryUnit(fn: ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction, sf: ts.SourceFile, names: NameSettings): Unit | undefined {
  const first = fn.parameters[0];
  if (!first || !T.isIdentifier(first.name)) return undefined;
  // A method's callback or an inner function of a class is not a factory.
  if (fn.parent && (T.isCallExpression(fn.parent) || T.isNewExpression(fn.parent))) return undefined;
  const byParam = nextEvidence(first, names);
  const evidence = byParam === 'weakName' ? undefined : byParam;
  const handler = returnedFunction(fn);
  if (!handler) return undefined;
  const declared = declaredName(fn);
  if (!declared) return undefined;
  // Position-only evidence (any curried function) is kept only when it looks like a request handler.
  if (!evidence && handler.parameters.length !== 1) return undefined;
  const nextName = first.name.text;
  const nextType = nextAsync(first);
  const summary = summarize(handler, sf, {
    name: declared.name,
    nameRange: declared.range,
    next: { identifiers: new Set([nextName]), members: new Set(), promiseLike: nextType === true || (nextType === null && isAsyncFunction(handler)) },
  });
  return {
    kind: 'factory',
    name: declared.name,
    range: rangeOf(fn, sf),
    nameRange: declared.range,
    evidence: evidence ?? 'position',
    nextParam: { name: nextName, range: rangeOf(first, sf) },
    nextIsAsync: nextType,
    nextFields: [],
    members: [],
    handler: summary,
    hooks: {},
  };
}

/** The function a factory returns: an arrow or function expression, or a local function returned by name. */
export function returnedFunction(fn: ts.FunctionLikeDeclaration): ts.FunctionLikeDeclaration | undefined {
  const body = fn.body;
  if (!body) return undefined;
  const asFunction = (e: ts.Expression): ts.FunctionLikeDeclaration | undefined => {
    const inner = stripParens(e);
    if (T.isArrowFunction(inner) || T.isFunctionExpression(inner)) return inner;
    if (T.isIdentifier(inner) && T.isBlock(body)) {
      for (const st of body.statements) {
        if (T.isFunctionDeclaration(st) && st.name?.text === inner.text && st.body) return st;
        if (T.isVariableStatement(st)) {
          for (const d of st.declarationList.declarations) {
            if (T.isIdentifier(d.name) && d.name.text === inner.text && d.initializer) {
              const init = stripParens(d.initializer);
              if (T.isArrowFunction(init) || T.isFunctionExpression(init)) return init;
            }
          }
        }
      }
    }
    return undefined;
  };
  if (!T.isBlock(body)) return asFunction(body);
  let found: ts.FunctionLikeDeclaration | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (T.isReturnStatement(n) && n.expression) {
      found = asFunction(n.expression);
      return;
    }
    if (!T.isFunctionLike(n) && !T.isClassLike(n)) T.forEachChild(n, visit);
  };
  visit(body);
  return found;
}
