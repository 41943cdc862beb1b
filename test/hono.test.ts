import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint } from '../src/engine.js';
import { allFixtureCases } from './fixture-cases.js';
import { factsOf, linkedFrameworks, reportsOf } from './helpers.js';

/** The framework units of a file: name, kind, framework, contract, evidence and next parameter. */
function honoUnits(text: string, path = '/virtual/app.ts') {
  return factsOf(text, path)
    .units.filter((u) => u.framework !== undefined)
    .map((u) => ({ name: u.name, kind: u.kind, framework: u.framework, contract: u.contract, evidence: u.evidence, next: u.nextParam?.name }));
}

const unit = (name: string) => ({ name, kind: 'function', framework: 'hono', contract: 'onion', evidence: 'framework', next: 'next' });
const HONO = "import { Hono } from 'hono';\n";

describe('Hono detection: evidence from Hono itself', () => {
  it('an inline function passed to `use` of `new Hono()`, with or without a path', () => {
    expect(honoUnits(`${HONO}const app = new Hono();\napp.use(async (c, next) => { await next(); });\napp.use('/api/*', async (c, next) => { await next(); });`)).toEqual([unit('app.use(…)'), unit('app.use(…)')]);
  });

  it('route methods, `on`, chained registrations and `basePath` objects', () => {
    const src = `${HONO}const app = new Hono().basePath('/api');\nconst v1 = app.basePath('/v1');\nv1.get('/a', async (c, next) => { await next(); }, (c) => c.text('a'));\napp.on('PURGE', '/b', (c, next) => next()).post('/c', async (c, next) => { await next(); });\nnew Hono().patch('/d', (c, next) => next());\n`;
    expect(honoUnits(src).map((u) => u.name).sort()).toEqual(['app.on(…)', 'app.post(…)', 'v1.get(…)', 'patch(…)'].sort());
  });

  it('`createMiddleware` from hono/factory, named after its variable', () => {
    const src = "import { createMiddleware } from 'hono/factory';\nexport const timing = createMiddleware(async (c, next) => { await next(); });\nexport default createMiddleware(async (c, next) => { await next(); });\n";
    expect(honoUnits(src)).toEqual([unit('timing'), unit('createMiddleware(…)')]);
  });

  it("Hono's types: `(c: Context, next: Next)`, `MiddlewareHandler` on a const and as a factory's return type", () => {
    expect(honoUnits("import type { Context, Next } from 'hono';\nexport async function auth(c: Context, next: Next) { await next(); }")).toEqual([unit('auth')]);
    expect(honoUnits("import type { MiddlewareHandler } from 'hono';\nexport const mw: MiddlewareHandler = async (c, next) => { await next(); };")).toEqual([unit('mw')]);
    expect(honoUnits("import type { MiddlewareHandler } from 'hono';\nexport function tag(): MiddlewareHandler {\n  return async (c, next) => { await next(); };\n}")).toEqual([unit('tag')]);
  });

  it('CommonJS `const { Hono } = require("hono")`, and functions registered by name or factory', () => {
    const src = "const { Hono } = require('hono');\nconst app = new Hono();\nasync function logger(c, next) { await next(); }\nfunction cors() { return async (c, next) => { await next(); }; }\napp.use(logger, cors());\n";
    expect(honoUnits(src, '/virtual/app.js')).toEqual([unit('logger'), unit('cors')]);
  });

  it('a route handler without a next parameter is no unit (the middleware rules have nothing to judge)', () => {
    expect(honoUnits(`${HONO}const app = new Hono();\napp.get('/', (c) => c.json({ ok: true }));`)).toEqual([]);
  });

  it('the pre-filter keeps a file whose only Hono import is `hono/factory` or a type: linted as the CLI does, it yields the unit', () => {
    const sources = [
      "import { createMiddleware } from 'hono/factory';\nexport const m = createMiddleware(async (c, next) => { next(); });\n",
      "import type { Context, Next } from 'hono';\nexport async function m(c: Context, next: Next) { next(); }\n",
    ];
    const frameworks = sources.map((text) => {
      const facts = extractFacts('/virtual/m.ts', text, frontendOptions(defaultConfig()), 'auto');
      return [facts.dormant, facts.units.map((u) => u.framework)];
    });
    expect(frameworks).toEqual([
      [undefined, ['hono']],
      [undefined, ['hono']],
    ]);
  });
});

describe('Hono detection: no evidence, no judgement (precision)', () => {
  it('a `Hono` that is not the one from `hono`, a default import of `hono`, no import at all', () => {
    expect(reportsOf('export const mw = async (c, next) => {\n  next();\n  await next;\n};')).toEqual([]);
    expect(honoUnits("import { Hono } from './my-hono';\nconst app = new Hono();\napp.use(async (c, next) => { next(); });")).toEqual([]);
    expect(honoUnits("import Hono from 'hono';\nconst app = new Hono();\napp.use(async (c, next) => { next(); });")).toEqual([]);
  });

  it('a helper typed with `Context` whose second parameter is not the next layer, and a `createMiddleware` of another module', () => {
    expect(honoUnits("import type { Context } from 'hono';\nexport function render(c: Context, view: string) { return c.html(view); }")).toEqual([]);
    expect(honoUnits("import { createMiddleware } from './factory';\nexport const m = createMiddleware(async (c, next) => { next(); });")).toEqual([]);
  });

  it('Redux middleware and a name bound twice beside a Hono app', () => {
    const src = `${HONO}const app = new Hono();\nexport const thunk = (store) => (next) => (action) => { next(action); next(action); };\nexport function mount(app) {\n  app.use((c, next) => { next(); });\n}\n`;
    expect(honoUnits(src)).toEqual([]);
    expect(reportsOf(src)).toEqual([]);
  });

  it('next handed to an unknown function is unknown: silent', () => {
    expect(reportsOf(`${HONO}const app = new Hono();\napp.use(async (c, next) => { await retry(3, next); });`)).toEqual([]);
    expect(reportsOf(`${HONO}const app = new Hono();\napp.use((c, next) => helper(c, next));`)).toEqual([]);
  });
});

describe('Hono rules: the messages name Hono failures', () => {
  it('await-next, call-next and no-double-next report on Hono units with Hono wording', () => {
    const text = `${HONO}const app = new Hono();\napp.use(async (c, next) => { next(); });\napp.use(async (c, next) => { await next; });\napp.use(async (c, next) => { await next(); await next(); });\n`;
    const [result] = lint([{ path: '/virtual/app.ts', text }], { config: defaultConfig() });
    const found = result!.diagnostics.map((d) => [d.ruleId, d.message.startsWith('Hono middleware `app.use(…)`'), /Context is not finalized|next\(\) called multiple times/.test(d.message), d.message.includes('Koa')]);
    expect(found).toEqual([
      ['onion/await-next', true, true, false],
      ['onion/call-next', true, true, false],
      ['onion/no-double-next', true, true, false],
    ]);
  });
});

describe('Hono flow facts', () => {
  const handler = (body: string) => factsOf(`${HONO}new Hono().use(async (c, next) => {\n${body}\n});`).units.find((u) => u.framework === 'hono')!.handler!;

  it('awaiting next() never raises under Hono (compose hands errors below to app.onError), other awaits still may', () => {
    expect(handler('  try { await next(); } catch (e) { await next(); }').exits.map((e) => e.nextCalls)).toEqual([[1]]);
    expect(reportsOf(`${HONO}new Hono().use(async (c, next) => {\n  try { await next(); } catch (e) { await next(); }\n});`)).toEqual([]);
    // Something after the call may throw: the catch runs after one call, and a second call is proven.
    expect(handler('  try { await next(); await audit(c); } catch (e) { await next(); }').exits.map((e) => e.nextCalls)).toEqual([[1, 2]]);
    // Koa keeps counting a rejected call: the same retry is a second call there.
    const koa = factsOf("import Koa from 'koa';\nnew Koa().use(async (ctx, next) => {\n  try { await next(); } catch (e) { await next(); }\n});").units[0]!.handler!;
    expect(koa.exits.map((e) => e.nextCalls)).toEqual([[1, 2]]);
  });

  it('records floating calls and inert references as for Koa', () => {
    expect(handler('  next();').floatingNextCalls).toHaveLength(1);
    expect(handler('  await next();').floatingNextCalls).toEqual([]);
    expect(handler('  await next;')).toMatchObject({ inertNextReferences: [expect.anything()], nextHandedOn: false });
  });
});

describe('Hono fixtures exercise Hono units', () => {
  it('every Hono case holds a Hono unit (so a valid case’s silence is a judgement)', () => {
    const cases = allFixtureCases().filter((c) => c.name.startsWith('hono-'));
    expect(cases.length).toBeGreaterThanOrEqual(60);
    // A `hono-crossfile-*` folder case may hold its Hono unit only once linked (registered in another file).
    const holdsHono = (c: (typeof cases)[number]) =>
      c.files.some((f) => factsOf(f.text, f.path).units.some((u) => u.framework === 'hono')) || (c.name.includes('-crossfile-') && linkedFrameworks(c.files).has('hono'));
    expect(cases.filter((c) => !holdsHono(c)).map((c) => `${c.rule}/${c.kind}/${c.name}`)).toEqual([]);
  });
});
