import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint } from '../src/engine.js';
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
