import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions } from '../src/engine.js';
import { allFixtureCases } from './fixture-cases.js';
import { factsOf, linkedFrameworks, reportsOf } from './helpers.js';

/** The Koa units of a file: name, kind, framework, contract and evidence. */
function koaUnits(text: string, path = '/virtual/app.ts') {
  return factsOf(text, path)
    .units.filter((u) => u.framework !== undefined)
    .map((u) => ({ name: u.name, kind: u.kind, framework: u.framework, contract: u.contract, evidence: u.evidence, next: u.nextParam?.name }));
}

const unit = (name: string) => ({ name, kind: 'function', framework: 'koa', contract: 'onion', evidence: 'framework', next: 'next' });

describe('Koa detection: evidence from Koa itself', () => {
  it('an inline function passed to `use` of `new Koa()` (ESM default import)', () => {
    expect(koaUnits("import Koa from 'koa';\nconst app = new Koa();\napp.use(async (ctx, next) => { await next(); });")).toEqual([unit('app.use(…)')]);
  });

  it('CommonJS `require`, a named function and a const arrow registered by name', () => {
    const src = "const Koa = require('koa');\nconst app = new Koa();\nasync function logger(ctx, next) { await next(); }\nconst timer = async (ctx, next) => { await next(); };\napp.use(logger);\napp.use(timer);\n";
    expect(koaUnits(src, '/virtual/app.js')).toEqual([unit('logger'), unit('timer')]);
  });

  it('the function a factory of the file returns, registered as `app.use(factory())`', () => {
    const src = "import Koa from 'koa';\nfunction cors(origin) {\n  return async (ctx, next) => { ctx.set('A', origin); await next(); };\n}\nnew Koa().use(cors('*'));\n";
    expect(koaUnits(src)).toEqual([unit('cors')]);
  });

  it('routes of `new Router()` from @koa/router, chained, and of `require("koa-router")()`', () => {
    const esm = "import Router from '@koa/router';\nconst r = new Router();\nr.get('/a', async (ctx, next) => { await next(); }).post('/b', (ctx, next) => next());\n";
    expect(koaUnits(esm)).toEqual([unit('r.post(…)'), unit('r.get(…)')]);
    const cjs = "const router = require('koa-router')();\nrouter.use(async (ctx, next) => { await next(); });\n";
    expect(koaUnits(cjs, '/virtual/r.js')).toEqual([unit('router.use(…)')]);
  });

  it('functions composed with `compose` from koa-compose, arrays flattened', () => {
    const src = "const compose = require('koa-compose');\nasync function a(ctx, next) { await next(); }\nconst b = (ctx, next) => next();\nmodule.exports = compose([a, [b, async (ctx, next) => { await next(); }]]);\n";
    expect(koaUnits(src, '/virtual/stack.js')).toEqual([unit('a'), unit('b'), unit('compose(…)')]);
    // A `compose` of another module (Redux's) is no evidence.
    expect(koaUnits("import { compose } from 'redux';\nexport const f = compose([(ctx, next) => { next(); }]);")).toEqual([]);
  });

  it("Koa's types: `Koa.Middleware`, `Middleware` as a return type, `(ctx: Context, next: Next)`", () => {
    expect(koaUnits("import type Koa from 'koa';\nexport const m: Koa.Middleware = async (ctx, next) => { await next(); };")).toEqual([unit('m')]);
    expect(koaUnits("import type { Middleware } from 'koa';\nexport function tag(): Middleware {\n  return async (ctx, next) => { await next(); };\n}")).toEqual([unit('tag')]);
    expect(koaUnits("import type { Context, Next } from 'koa';\nexport async function auth(ctx: Context, next: Next) { await next(); }")).toEqual([unit('auth')]);
    expect(koaUnits("import * as Koa from 'koa';\nexport async function auth(ctx: Koa.Context, next: Koa.Next) { await next(); }")).toEqual([unit('auth')]);
  });

  it('a terminal handler (no next parameter) is no unit: nothing to judge', () => {
    expect(koaUnits("import Koa from 'koa';\nconst app = new Koa();\napp.use(async (ctx) => { ctx.body = 'hi'; });")).toEqual([]);
  });

  it('the pre-filter keeps a Koa file: linted as the CLI does, it still yields the unit', () => {
    const text = "const Koa = require('koa');\nconst app = new Koa();\napp.use(async (ctx, next) => { next(); });\n";
    const facts = extractFacts('/virtual/app.js', text, frontendOptions(defaultConfig()), 'auto');
    expect(facts.dormant).toBeUndefined();
    expect(facts.units.map((u) => u.framework)).toEqual(['koa']);
  });
});

describe('Koa detection: no evidence, no judgement (precision)', () => {
  it('a `(ctx, next)` function in a file that does not import Koa', () => {
    expect(reportsOf('export const mw = async (ctx, next) => {\n  next();\n  await next;\n  await next();\n  await next();\n};')).toEqual([]);
  });

  it('Redux middleware and iterator callbacks beside a Koa app', () => {
    const src = "import Koa from 'koa';\nexport const app = new Koa();\nexport const logger = (store) => (next) => (action) => { next(action); next(action); };\n[1, 2].forEach((item, next) => { next; });\nexport function walk(items, next) { for (const i of items) next(i); }\n";
    expect(koaUnits(src)).toEqual([]);
    expect(reportsOf(src)).toEqual([]);
  });

  it('`use` of an object not built from Koa (Express in the same file)', () => {
    const src = "import Koa from 'koa';\nimport express from 'express';\nconst koa = new Koa();\nconst app = express();\napp.use((req, res, next) => { next(); next(); });\n";
    // Judged under Express's contract, never Koa's.
    expect(koaUnits(src).map((u) => u.framework)).toEqual(['express']);
  });

  it('a name bound twice in the file (a parameter named like the app) is not followed', () => {
    const src = "import Koa from 'koa';\nconst app = new Koa();\nexport function mount(app) {\n  app.use((ctx, next) => { next(); });\n}\n";
    expect(koaUnits(src)).toEqual([]);
  });

  it('a helper taking the context and something else than the next layer', () => {
    const src = "import type { Context } from 'koa';\nexport async function render(ctx: Context, view: string) {\n  ctx.type = 'html';\n  return view;\n}\nexport function send(ctx: Context, next: string) { return next; }\n";
    expect(koaUnits(src)).toEqual([]);
    expect(koaUnits("import type { Context } from 'koa';\nexport async function guard(ctx: Context, next: () => Promise<void>) { await next(); }")).toEqual([unit('guard')]);
    expect(koaUnits("import type { Context } from 'koa';\nexport async function guard(ctx: Context, next) { await next(); }", '/virtual/g.js')).toEqual([unit('guard')]);
  });

  it('a Koa type on something else than the context or next parameter', () => {
    expect(koaUnits("import type { Context } from 'koa';\nexport function fold(acc: number, next: Context) { return acc; }")).toEqual([]);
  });
});

describe('Koa flow facts', () => {
  const handler = (body: string, head = 'async (ctx, next)') => {
    const facts = factsOf(`import Koa from 'koa';\nnew Koa().use(${head} => {\n${body}\n});`);
    return facts.units.find((u) => u.framework === 'koa')!.handler!;
  };

  it('records `next();` and `void next();` as floating, never an awaited, returned or handed-on call', () => {
    expect(handler('  next();').floatingNextCalls).toHaveLength(1);
    expect(handler('  void next();').floatingNextCalls).toHaveLength(1);
    expect(handler('  await next();').floatingNextCalls).toEqual([]);
    expect(handler('  return next();').floatingNextCalls).toEqual([]);
    expect(handler('  const p = next();\n  await p;').floatingNextCalls).toEqual([]);
    expect(handler('  await Promise.all([next(), audit(ctx)]);').floatingNextCalls).toEqual([]);
    // A chain on the promise that is itself dropped drops it too; a returned or awaited chain does not.
    expect(handler('  next().then(() => ctx.set("X", "1")).catch(console.error);').floatingNextCalls).toHaveLength(1);
    expect(handler('  return next().then(() => ctx.set("X", "1"));').floatingNextCalls).toEqual([]);
    expect(handler('  await next().catch(console.error);').floatingNextCalls).toEqual([]);
    expect(handler('  ctx.state.p.then(() => 1);').floatingNextCalls).toEqual([]);
    // Inside a callback: it runs at an unknown time, so it is not judged.
    expect(handler('  setImmediate(() => { next(); });').floatingNextCalls).toEqual([]);
  });

  it('a call whose promise rejected still counts: a retry from the catch is a second call', () => {
    expect(handler('  try { await next(); } catch (e) { await next(); }').exits.map((e) => e.nextCalls)).toEqual([[1, 2]]);
    expect(handler('  try { await next(); } catch (e) { ctx.status = 500; }').exits.map((e) => e.nextCalls)).toEqual([[1]]);
  });

  it('tells references that neither call nor hand on `next` from those that may', () => {
    expect(handler('  await next;')).toMatchObject({ inertNextReferences: [expect.anything()], nextHandedOn: false });
    expect(handler('  return helper(ctx, next);')).toMatchObject({ inertNextReferences: [], nextHandedOn: true });
    expect(reportsOf("import Koa from 'koa';\nnew Koa().use((ctx, next) => helper(ctx, next));")).toEqual([]);
  });

  it('Django-style rules never judge a Koa unit (return-response, store-next, ...)', () => {
    // Falls off the end with no response and never calls next: correct for Koa, a return-response report for Django.
    expect(reportsOf("import Koa from 'koa';\nnew Koa().use(async (ctx, next) => {\n  if (ctx.path === '/') { ctx.body = 'x'; return; }\n  await next();\n});")).toEqual([]);
  });
});

describe('Koa fixtures exercise Koa units', () => {
  it('every valid Koa case but the look-alike one holds a Koa unit (so its silence is a judgement)', () => {
    const cases = allFixtureCases().filter((c) => c.name.startsWith('koa-'));
    expect(cases.length).toBeGreaterThanOrEqual(60);
    for (const c of cases) {
      const units = c.files.flatMap((f) => factsOf(f.text, f.path).units.filter((u) => u.framework === 'koa'));
      // A `koa-crossfile-*` folder case may hold its Koa unit only once linked (registered in another file).
      const linked = c.name.includes('-crossfile-') && linkedFrameworks(c.files).has('koa');
      expect({ case: `${c.rule}/${c.kind}/${c.name}`, koaUnits: units.length > 0 || linked }).toEqual({ case: `${c.rule}/${c.kind}/${c.name}`, koaUnits: c.name !== 'koa-import-without-evidence.js' });
    }
  });
});

describe('Koa detection: names bound by destructuring', () => {
  it('a destructured parameter named like the app hides it, as a plain parameter does', () => {
    const src = "import Koa from 'koa';\nconst app = new Koa();\nexport function mount({ app }) {\n  app.use((ctx, next) => { next(); });\n}\napp.use(async (ctx, next) => { await next(); });\n";
    expect(koaUnits(src)).toEqual([]);
    const unshadowed = "import Koa from 'koa';\nconst app = new Koa();\nconst { port } = { port: 1 };\napp.use(async (ctx, next) => { next(); });\n";
    expect(koaUnits(unshadowed)).toEqual([unit('app.use(…)')]);
  });
});
