import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint } from '../src/engine.js';
import { allFixtureCases } from './fixture-cases.js';
import { factsOf, reportsOf } from './helpers.js';

/** The framework units of a file: name, kind, framework, contract, evidence and next-layer label. */
function frameworkUnits(text: string, path = '/virtual/trpc.ts') {
  return factsOf(text, path)
    .units.filter((u) => u.framework !== undefined)
    .map((u) => ({ name: u.name, framework: u.framework, contract: u.contract, next: u.nextParam?.name }));
}

const TRPC = "import { initTRPC, TRPCError } from '@trpc/server';\nconst t = initTRPC.context<{ user?: string }>().create();\n";
const trpc = (name: string, next = 'next') => ({ name, framework: 'trpc', contract: 'onion', next });

describe('tRPC detection', () => {
  it('`t.middleware(fn)` named after its variable, destructured `next` or `opts.next`', () => {
    const src = `${TRPC}export const a = t.middleware(async ({ ctx, next }) => next());\nexport const b = t.middleware(async (opts) => opts.next());\nexport const c = t.middleware(({ next: proceed }) => proceed());\n`;
    expect(frameworkUnits(src)).toEqual([trpc('a'), trpc('b', 'opts.next'), trpc('c', 'proceed')]);
  });

  it('`.use(fn)` on `t.procedure`, on procedures derived from it, and chained', () => {
    const src = `${TRPC}const publicProcedure = t.procedure;\nconst withInput = publicProcedure.input((x: unknown) => x);\nexport const authed = withInput.use(async ({ next }) => next()).use(async function audit({ next }) { return next(); });\nexport const direct = t.procedure.use((opts) => opts.next());\n`;
    expect(frameworkUnits(src)).toEqual([trpc('audit'), trpc('withInput.use(…)'), trpc('t.procedure.use(…)', 'opts.next')]);
  });

  it('`initTRPC.create()`, a `middleware` alias of `t.middleware`, a middleware declared by name, and the standalone helper', () => {
    const src = "import { initTRPC, experimental_standaloneMiddleware } from '@trpc/server';\nconst t = initTRPC.create();\nexport const middleware = t.middleware;\nexport const logged = middleware(async ({ next }) => next());\nasync function timing({ next }: any) { return next(); }\nexport const timed = t.procedure.use(timing);\nexport const alone = experimental_standaloneMiddleware<{ ctx: { id: string } }>().create(async ({ next }) => next());\n";
    expect(frameworkUnits(src)).toEqual([trpc('logged'), trpc('timing'), trpc('alone')]);
  });

  it('no evidence, no unit: another `initTRPC`, a function without `next`, Redux-like `({ next })` elsewhere', () => {
    expect(frameworkUnits("import { initTRPC } from './my-trpc';\nconst t = initTRPC.create();\nexport const m = t.middleware(async ({ next }) => { next(); });\n")).toEqual([]);
    expect(frameworkUnits(`${TRPC}export const guard = t.middleware(({ ctx }) => { if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' }); });\n`)).toEqual([]);
    expect(reportsOf("export const m = async ({ ctx, next }) => { next(); next(); };\n")).toEqual([]);
  });

  it('the pre-filter keeps a file importing `@trpc/server`', () => {
    const facts = extractFacts('/virtual/m.ts', `${TRPC}export const m = t.middleware(async ({ next }) => { await next(); });\n`, frontendOptions(defaultConfig()), 'auto');
    expect([facts.dormant, facts.units.map((u) => u.framework)]).toEqual([undefined, ['trpc']]);
  });
});

describe('tRPC contract', () => {
  it('a path without `next()`\'s result is return-response\'s (not await-next\'s), with a fix for a body ending in a dropped call', () => {
    const src = `${TRPC}export const m = t.middleware(async ({ next }) => {\n  await next();\n});\n`;
    const [result] = lint([{ path: '/virtual/m.ts', text: src }], { config: defaultConfig() });
    expect(result!.diagnostics.map((d) => [d.ruleId, d.fix?.text])).toEqual([['onion/return-response', 'return ']]);
    expect(result!.diagnostics[0]!.message).toContain('No result from middlewares - did you forget to `return next()`?');
  });

  it('`opts` handed to a helper may call `next`: silent for call-next; correct idioms are silent', () => {
    expect(reportsOf(`${TRPC}export const m = t.middleware(async (opts) => withSpan(opts));\nexport const n = t.middleware(async (opts) => {\n  const { ctx, next } = opts;\n  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' });\n  return next({ ctx: { user: ctx.user } });\n});\ndeclare function withSpan(o: unknown): Promise<unknown>;\n`)).toEqual([]);
  });
});

describe('tRPC flow', () => {
  it('`next()` never rejects (tRPC turns a failure below into `{ ok: false }`): a call from a `catch` after it is the only call on its path', () => {
    const src = `${TRPC}export const m = t.middleware(async ({ next }) => {\n  try {\n    return await next();\n  } catch {\n    return next();\n  }\n});\n`;
    expect(reportsOf(src)).toEqual([]);
  });

  it('`opts.next` read into a local, a rest element, and `next` handed to a helper', () => {
    const units = factsOf(`${TRPC}export const a = t.middleware(async (opts) => {\n  const go = opts.next;\n  return go();\n});\nexport const b = t.middleware(({ ctx, ...rest }) => rest.next);\nexport const c = t.middleware(({ next }) => retry(next));\ndeclare function retry(f: unknown): Promise<unknown>;\n`).units;
    expect(units.map((u) => [u.name, u.handler?.nextCallSites.length, u.handler?.inertNextReferences?.length, u.handler?.nextHandedOn])).toEqual([
      ['a', 1, 0, true],
      ['b', 0, 1, false],
      ['c', 0, 0, true],
    ]);
  });
});

describe('tRPC fixtures', () => {
  it('every `trpc-*` case holds a tRPC unit', () => {
    const cases = allFixtureCases().filter((c) => c.name.startsWith('trpc-'));
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const holds = (c: (typeof cases)[number]) => c.files.some((f) => factsOf(f.text, f.path).units.some((u) => u.framework === 'trpc'));
    // A middleware that takes no `next` is terminal: no unit, by design.
    expect(cases.filter((c) => !holds(c)).map((c) => `${c.rule}/${c.kind}/${c.name}`)).toEqual(['call-next/valid/trpc-terminal-throws.ts']);
  });
});

const ALEXI = "import type { Middleware, NextFunction } from '@alexi/middleware';\n";
const alexi = (name: string) => ({ name, framework: 'alexi', contract: undefined, next: 'next' });

describe("Alexi's function middleware: Django's contract in function form", () => {
  it('typed `Middleware` (a const, a factory\'s return type) or with a `NextFunction` parameter; no contract, so the Django-style rules judge it', () => {
    const src = `${ALEXI}export const a: Middleware = async (request, next) => next();\nexport function b(): Middleware {\n  return async (request, next) => next();\n}\nexport async function c(request: Request, next: NextFunction) { return next(); }\n`;
    expect(frameworkUnits(src)).toEqual([alexi('a'), alexi('b'), alexi('c')]);
    expect(factsOf(src, '/virtual/trpc.ts').units.map((u) => [u.kind, u.nextIsAsync])).toEqual([['function', true], ['function', true], ['function', true]]);
  });

  it('imported as Deno writes it (`jsr:@alexi/middleware@^0.24`, `npm:` too): the same units and reports', () => {
    for (const module of ['jsr:@alexi/middleware@^0.24', 'jsr:/@alexi/middleware@0.24.1', 'npm:@alexi/middleware']) {
      const src = `import type { Middleware } from '${module}';\nexport const a: Middleware = async (request, next) => {\n  const response = await next();\n  response.headers.set('X', '1');\n};\n`;
      expect(frameworkUnits(src), module).toEqual([alexi('a')]);
      expect(reportsOf(src), module).toEqual(['return-response@5']);
    }
    // Another package whose name only starts the same stays unknown.
    expect(frameworkUnits("import type { Middleware } from 'jsr:@alexi/middleware-extra';\nexport const a: Middleware = async (request, next) => { await next(); };\n")).toEqual([]);
  });

  it('no evidence, no unit: a `Middleware` of another module, a one-parameter handler', () => {
    expect(frameworkUnits("import type { Middleware } from './types';\nexport const a: Middleware = async (request, next) => { await next(); };\n")).toEqual([]);
    expect(frameworkUnits(`${ALEXI}export const notFound: Middleware = async (request) => new Response(null, { status: 404 });\n`)).toEqual([]);
    expect(reportsOf("import type { Middleware } from './types';\nexport const a: Middleware = async (request, next) => { await next(); };\n")).toEqual([]);
  });

  it('the Django-style rules report with their own messages (return-response, call-next, no-double-next, await-next)', () => {
    const src = `${ALEXI}export const a: Middleware = async (request, next) => {\n  const response = await next();\n  response.headers.set('X', '1');\n};\nexport const b: Middleware = async (request, next) => new Response('no');\nexport const c: Middleware = async (request, next) => {\n  await next();\n  return next();\n};\nexport const d: Middleware = async (request, next) => {\n  const response = next();\n  response.headers.set('X', '1');\n  return response;\n};\n`;
    expect(reportsOf(src)).toEqual(['return-response@5', 'call-next@6', 'no-double-next@9', 'await-next@13']);
  });

  it('every `alexi-*` case of the function-middleware rules holds an Alexi unit', () => {
    const rules = new Set(['await-next', 'call-next', 'no-double-next', 'return-response']);
    const cases = allFixtureCases().filter((c) => c.name.startsWith('alexi-') && rules.has(c.rule));
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const holds = (c: (typeof cases)[number]) => c.files.some((f) => factsOf(f.text, f.path).units.some((u) => u.framework === 'alexi'));
    // A one-parameter handler is terminal: no unit, by design.
    expect(cases.filter((c) => !holds(c)).map((c) => `${c.rule}/${c.kind}/${c.name}`)).toEqual(['call-next/valid/alexi-terminal-one-parameter.ts']);
  });
});
