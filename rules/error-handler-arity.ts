import type { ErrorHandlerFact, Fix, Signature } from '../src/model.js';
import { defineUnitRule, type LinkedUnit } from '../src/rules/api.js';

/** What `Function.length` gives: the parameters before the first one with a default, rest parameters not counted. */
function runtimeLength(signature: Signature): number {
  const firstDefault = signature.positional.findIndex((p) => p.hasDefault);
  return firstDefault < 0 ? signature.positional.length : firstDefault;
}

/** Why the function is error middleware, in words. */
function why(fact: ErrorHandlerFact, framework: 'express' | 'connect'): string {
  if (fact.evidence === 'type') return `it is typed \`${framework === 'express' ? 'ErrorRequestHandler' : 'ErrorHandleFunction'}\``;
  if (fact.evidence === 'late') return `it is registered with \`use\` after the routes and reads \`${fact.read}\``;
  return `its first parameter \`${fact.errorParam}\` is the error`;
}

/** The code that skips it, by framework and Express major (NODE.md §2: the same test in Express 4 and 5, from different files). */
function source(linked: LinkedUnit, framework: 'express' | 'connect'): string {
  if (framework === 'connect') return "Connect's `call()`, index.js";
  if (linked.frameworkMajor === 4) return "Express 4's `Layer.prototype.handle_error`, lib/router/layer.js";
  if (linked.frameworkMajor === 5) return "Express 5's router, lib/layer.js of the `router` package";
  return "Express's router layer";
}

const PLACEHOLDERS = ['_req', '_res', '_next'];

/** Appends the missing parameters (`_next`; `_res, _next` after `(err, req)`), where that is a safe edit. */
function appendFix(signature: Signature, fact: ErrorHandlerFact): Fix | undefined {
  const count = signature.positional.length;
  if (signature.appendAt === undefined || count === 0 || count >= 4 || signature.restPositional) return undefined;
  const names = PLACEHOLDERS.slice(count - 1);
  const taken = new Set([...fact.underscoreNames, ...signature.positional.map((p) => p.name)]);
  if (names.some((n) => taken.has(n))) return undefined;
  // Annotated parameters without a contextual type: an added one needs a type too (strict TypeScript).
  const annotate = signature.positional.some((p) => p.typed) && !fact.contextuallyTyped;
  const typeOf = (n: string) => (!annotate ? '' : n === '_next' && fact.nextTypeName ? `: ${fact.nextTypeName}` : ': unknown');
  return { range: { start: signature.appendAt, end: signature.appendAt }, text: names.map((n) => `, ${n}${typeOf(n)}`).join('') };
}

/** Drops the defaults of a four-parameter list (`next = noop` → `next`), where the parameter keeps a type. */
function dropDefaultsFix(signature: Signature, fact: ErrorHandlerFact, text: string): Fix | undefined {
  if (signature.positional.length !== 4 || signature.restPositional) return undefined;
  const withDefaults = signature.positional.filter((p) => p.hasDefault);
  const annotated = signature.positional.some((p) => p.typed) && !fact.contextuallyTyped;
  // An untyped parameter takes its type from its default: without it, strict TypeScript rejects it.
  if (withDefaults.some((p) => !p.defaultRange || (annotated && !p.typed))) return undefined;
  const ranges = withDefaults.map((p) => p.defaultRange!);
  const start = ranges[0]!.start;
  const end = ranges[ranges.length - 1]!.end;
  let replacement = '';
  let at = start;
  for (const r of ranges) {
    replacement += text.slice(at, r.start);
    at = r.end;
  }
  return { range: { start, end }, text: replacement };
}

/**
 * Express and Connect tell error-handling middleware from the rest by `fn.length`: only a function
 * of length 4 receives errors. One that is clearly meant as an error handler but declares fewer
 * parameters, or hides one behind a default or rest parameter, is treated as ordinary middleware:
 * errors skip it.
 */
export default defineUnitRule({
  meta: {
    id: 'error-handler-arity',
    description: 'Express and Connect error-handling middleware declares exactly four parameters `(err, req, res, next)`.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    fixable: true,
    contracts: ['linear'],
    messages: {
      fewerParameters:
        '`{{name}}` is meant as {{framework}} error-handling middleware ({{why}}) but declares {{count}}: {{framework}} hands errors only to middleware whose `length` is 4 (the test is in {{source}}), so every error skips it and, unless a later error handler takes it, the default handler answers `500` with the stack trace (hidden when NODE_ENV is `production`). Declare all four parameters: `{{expected}}`.',
      defaultParameter:
        '`{{name}}` is meant as {{framework}} error-handling middleware ({{why}}) but its `length` is {{length}}: `Function.length` stops at the first parameter with a default (`{{param}}`). {{framework}} hands errors only to middleware whose `length` is 4 (the test is in {{source}}), so every error skips it and, unless a later error handler takes it, the default handler answers `500` with the stack trace (hidden when NODE_ENV is `production`). Drop the default.',
      restParameter:
        '`{{name}}` is meant as {{framework}} error-handling middleware ({{why}}) but its `length` is {{length}}: `Function.length` does not count a rest parameter. {{framework}} hands errors only to middleware whose `length` is 4 (the test is in {{source}}), so every error skips it and, unless a later error handler takes it, the default handler answers `500` with the stack trace (hidden when NODE_ENV is `production`). Declare `(err, req, res, next)`.',
      moreParameters:
        '`{{name}}` is meant as {{framework}} error-handling middleware ({{why}}) but declares {{count}}: {{framework}} hands errors only to middleware whose `length` is exactly 4 (the test is in {{source}}) and requests only to middleware of length 3 or less, so it never runs. Declare `(err, req, res, next)`.',
    },
  },
  check(ctx) {
    const { unit } = ctx.unit;
    const fact = unit.errorHandler;
    const signature = ctx.unit.handler?.signature;
    const framework = unit.framework;
    if (!fact || !signature || (framework !== 'express' && framework !== 'connect')) return;
    const length = runtimeLength(signature);
    if (length === 4) return;
    const data = {
      name: ctx.unit.handler!.name,
      framework: framework === 'express' ? 'Express' : 'Connect',
      why: why(fact, framework),
      source: source(ctx.unit, framework),
      length,
    };
    const count = signature.positional.length;
    const plural = (n: number) => `${n} parameter${n === 1 ? '' : 's'}`;
    const defaulted = signature.positional.find((p) => p.hasDefault);
    if (defaulted) {
      const fix = dropDefaultsFix(signature, fact, ctx.file.text);
      ctx.report({ messageId: 'defaultParameter', data: { ...data, param: `${defaulted.name} = …` }, range: signature.range, ...(fix ? { fix } : {}) });
    } else if (signature.restPositional && count < 4) {
      ctx.report({ messageId: 'restParameter', data, range: signature.range });
    } else if (count < 4) {
      const fix = appendFix(signature, fact);
      const names = signature.positional.map((p) => p.name);
      const expected = count === 0 ? '(err, req, res, next)' : `(${[...names, ...PLACEHOLDERS.slice(count - 1)].join(', ')})`;
      ctx.report({ messageId: 'fewerParameters', data: { ...data, count: plural(count), expected }, range: signature.range, ...(fix ? { fix } : {}) });
    } else {
      ctx.report({ messageId: 'moreParameters', data: { ...data, count: plural(count) }, range: signature.range });
    }
  },
});
