import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint } from '../src/engine.js';
import { FRAMEWORKS } from '../src/frontends/ts/frameworks.js';
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

describe('Hono imported as Deno writes it', () => {
  it('`npm:hono@4` and `jsr:`-style specifiers name `hono`: the same units and reports', () => {
    const src = "import { Hono } from 'npm:hono@4.6';\nconst app = new Hono();\napp.use(async (c, next) => {\n  next();\n});\n";
    expect(factsOf(src).units.map((u) => u.framework)).toEqual(['hono']);
    expect(reportsOf(src)).toEqual(['await-next@4']);
  });
});

describe('Hono detection: evidence from Hono itself', () => {
  it('an inline function passed to `use` of `new Hono()`, with or without a path', () => {
    expect(honoUnits(`${HONO}const app = new Hono();\napp.use(async (c, next) => { await next(); });\napp.use('/api/*', async (c, next) => { await next(); });`)).toEqual([unit('app.use(…)'), unit('app.use(…)')]);
  });

  it('route methods, `on`, chained registrations and `basePath` objects', () => {
    const src = `${HONO}const app = new Hono().basePath('/api');\nconst v1 = app.basePath('/v1');\nv1.get('/a', async (c, next) => { await next(); }, (c) => c.text('a'));\napp.on('PURGE', '/b', (c, next) => next()).post('/c', async (c, next) => { await next(); });\nnew Hono().patch('/d', (c, next) => next());\n`;
    // `v1.get`'s last argument is its route handler: a unit too, without a next parameter.
    expect(honoUnits(src).map((u) => u.name).sort()).toEqual(['app.on(…)', 'app.post(…)', 'v1.get(…)', 'v1.get(…)', 'patch(…)'].sort());
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

  it('the last argument of a route method is a handler unit without a next parameter; `use` and middle arguments without one are none', () => {
    const handler = (name: string) => ({ ...unit(name), next: undefined });
    expect(honoUnits(`${HONO}const app = new Hono();\napp.get('/', (c) => c.json({ ok: true }));`)).toEqual([handler('app.get(…)')]);
    const src = `${HONO}const app = new Hono();\nfunction show(c) { return c.text('x'); }\nconst audit = (c) => console.log(c.req.path);\napp.use('/a', (c) => c.text('a'));\napp.on(['GET', 'HEAD'], '/b', audit, show);\napp.all('/c', async (c, next) => { await next(); }, (c) => c.text('c'));\n`;
    expect(honoUnits(src)).toEqual([handler('show'), unit('app.all(…)'), handler('app.all(…)')]);
  });

  it('`Hono` from the `hono/tiny` and `hono/quick` presets', () => {
    for (const preset of ['hono/tiny', 'hono/quick']) {
      expect(honoUnits(`import { Hono } from '${preset}';\nconst app = new Hono();\napp.use(async (c, next) => { await next(); });`)).toEqual([unit('app.use(…)')]);
    }
  });

  it('`factory.createMiddleware(...)` of `createFactory()` from hono/factory, named after its variable', () => {
    const src = "import { createFactory } from 'hono/factory';\nconst factory = createFactory();\nexport const auth = factory.createMiddleware(async (c, next) => { await next(); });\nexport default createFactory().createMiddleware(async (c, next) => { await next(); });\n";
    expect(honoUnits(src)).toEqual([unit('auth'), unit('createFactory.createMiddleware(…)')]);
    // `createFactory` of another module builds nothing Hono knows.
    expect(honoUnits("import { createFactory } from './factory';\nconst factory = createFactory();\nexport const auth = factory.createMiddleware(async (c, next) => { next(); });\n")).toEqual([]);
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

describe('Hono response facts', () => {
  const summary = (registration: string) => factsOf(`${HONO}const app = new Hono();\n${registration}`).units.find((u) => u.framework === 'hono')!.handler!;
  const exitValues = (registration: string) => summary(registration).exits.map((e) => e.value);

  it("a returned `c.json/text/html/body/redirect/notFound/newResponse(...)` or `new Response(...)` is a response; `c.status()`/`c.header()` return nothing", () => {
    for (const call of ["c.json({})", "c.text('t', 201)", "c.html('<p>')", 'c.body(null, 204)', "c.redirect('/')", 'c.notFound()', 'c.newResponse(null)', "new Response('x')"]) {
      expect(exitValues(`app.get('/', (c) => { return ${call}; });`)).toEqual([['response']]);
    }
    expect(exitValues("app.get('/', (c) => { return c.status(400); });")).toEqual([['nothing']]);
    expect(exitValues("app.get('/', (c) => c.header('X', '1'));")).toEqual([['nothing']]);
    // `c.get(...)` reads: its value is unknown, the context is not handed on.
    expect(summary("app.get('/', (c) => c.get('user'));").exits.map((e) => [e.value, e.contextHandedOn])).toEqual([[['unknown'], false]]);
  });

  it('the context methods come from the Hono row of FRAMEWORKS', () => {
    const hono = FRAMEWORKS.find((f) => f.framework === 'hono')!;
    expect(hono.responses).toMatchObject({ respond: expect.arrayContaining(['json', 'text', 'html', 'body', 'redirect', 'notFound']), nothing: expect.arrayContaining(['status']) });
    // Koa's row has none: its summaries carry no response facts.
    expect(FRAMEWORKS.find((f) => f.framework === 'koa')!.responses).toBeUndefined();
    const koa = factsOf("import Koa from 'koa';\nnew Koa().use(async (ctx, next) => { ctx.json({}); await next(); });").units[0]!.handler!;
    expect([koa.droppedResponses, koa.exits[0]!.contextHandedOn, koa.exits[0]!.endsWithDroppedResponse]).toEqual([undefined, undefined, undefined]);
  });

  it('a dropped `c.json(...)` statement is recorded with its range, `last` when nothing runs after it', () => {
    const text = `${HONO}const app = new Hono();\napp.get('/', (c) => {\n  c.json({ a: 1 });\n  if (c.req.query('x')) {\n    c.text('x');\n  }\n});`;
    const dropped = factsOf(text).units[0]!.handler!.droppedResponses!;
    expect(dropped.map((d) => [text.slice(d.range.start, d.range.end), d.last])).toEqual([
      ['c.json({ a: 1 })', false],
      ["c.text('x')", true],
    ]);
  });

  it('the context handed on: an argument, a store, a closure, a method not known, a write of `c.res`', () => {
    const handed = (body: string) => summary(`app.get('/', async (c) => {\n${body}\n});`).exits.map((e) => e.contextHandedOn);
    expect(handed('  await audit(c);')).toEqual([true]);
    expect(handed('  const ctx = c;')).toEqual([true]);
    expect(handed('  later(() => c.json({}));')).toEqual([true]);
    expect(handed("  c.render('page');")).toEqual([true]);
    expect(handed("  c.res = new Response('x');")).toEqual([true]);
    // Reads of members, destructuring and known methods keep it.
    expect(handed("  const { req, env } = c;\n  c.set('k', req.path);\n  c.header('X', String(env));")).toEqual([false]);
  });
});

describe('return-response on Hono units', () => {
  const lintHono = (registration: string, path = '/virtual/app.ts') => {
    const text = `${HONO}const app = new Hono();\n${registration}\n`;
    const [result] = lint([{ path, text }], { config: defaultConfig() });
    return result!.diagnostics.filter((d) => d.ruleId === 'onion/return-response').map((d) => ({ at: text.slice(d.range.start, d.range.end), message: d.message, fix: d.fix && applyFix(text, d.fix) }));
  };
  const applyFix = (text: string, fix: { range: { start: number; end: number }; text: string }) => text.slice(0, fix.range.start) + fix.text + text.slice(fix.range.end);

  it("a middleware path without a Response or `next()` names Hono's error and what the user sees", () => {
    const [report, ...rest] = lintHono("app.use(async (c, next) => {\n  if (!c.req.header('X-Key')) return;\n  await next();\n});");
    expect(rest).toEqual([]);
    expect(report!.at).toBe('return;');
    expect(report!.message).toContain('Hono middleware `app.use(…)`');
    expect(report!.message).toContain('"Error: Context is not finalized. Did you forget to return a Response object or `await next()`?"');
    expect(report!.message).toContain('`app.onError` (by default `500 Internal Server Error`');
  });

  it('a route handler returning nothing: the same error when middleware matched, else 404 (both said)', () => {
    const [report] = lintHono("app.get('/x', (c) => {\n  return c.status(404);\n});");
    expect(report!.at).toBe('return c.status(404);');
    expect(report!.message).toMatch(/^Hono handler `app\.get\(…\)` returns `c\.status\(404\)` \(`c\.status\(\)` returns nothing\) here instead of a Response/);
    expect(report!.message).toContain('when middleware matched the request, Hono fails with "Error: Context is not finalized.');
    expect(report!.message).toContain('when this handler is the only match, Hono answers `404 Not Found`');
  });

  it('falls off the end, `return;`, `return null`, a path skipping `next()`: reported at the exit', () => {
    expect(lintHono("app.post('/a', async (c) => {\n  await save(await c.req.json());\n});").map((r) => r.at)).toEqual(['}']);
    expect(lintHono("app.use(async (c, next) => {\n  if (c.req.method === 'GET') await next();\n});").map((r) => r.at)).toEqual(['}']);
    expect(lintHono("app.get('/a', (c) => {\n  if (!c.req.query('q')) return null;\n  return c.text('q');\n});").map((r) => r.at)).toEqual(['return null;']);
    // A catch entered after something in the try block threw, with no next() yet.
    expect(lintHono("app.use(async (c, next) => {\n  try {\n    await check(c.req.path);\n  } catch {\n    return;\n  }\n  await next();\n});").map((r) => r.at)).toEqual(['return;']);
    expect(lintHono("app.use(async (c, next) => {\n  for (const k of keys) {\n    if (c.req.header(k)) {\n      await next();\n      return;\n    }\n  }\n});").map((r) => r.at)).toEqual(['}']);
  });

  it('a dropped `c.json(...)` ending its path: reported there, fixed by `return ` before it', () => {
    const [report] = lintHono("app.get('/a', (c) => {\n  c.json({ ok: true });\n});");
    expect(report!.at).toBe('c.json({ ok: true })');
    expect(report!.message).toContain('builds a Response with `c.json({ ok: true })` and drops it');
    expect(report!.fix).toContain("app.get('/a', (c) => {\n  return c.json({ ok: true });\n});");
    // Two branches, each ending with one: one edit returns both.
    const [both] = lintHono("app.get('/a', (c) => {\n  if (c.req.query('x')) {\n    c.json(1);\n  } else {\n    c.text('2');\n  }\n});");
    expect(both!.fix).toContain("    return c.json(1);\n  } else {\n    return c.text('2');\n  }");
  });

  it('no fix where `return` would not end the path: a statement after the drop, a loop, a drop on one path only', () => {
    const at = (registration: string) => lintHono(registration).map((r) => [r.at, r.fix !== undefined]);
    expect(at("app.get('/a', (c) => {\n  c.json({ ok: true });\n  console.log('sent');\n});")).toEqual([['}', false]]);
    expect(at("app.get('/a', (c) => {\n  for (const x of [1]) {\n    c.json(x);\n  }\n});")).toEqual([['}', false]]);
    expect(at("app.get('/a', (c) => {\n  if (c.req.query('x')) {\n    c.json(1);\n  }\n});")).toEqual([['}', false]]);
  });

  it('precision: an unknown call result, the context handed on, a throw, `c.res` written, next handed on, a destructured context: silent', () => {
    const silent = [
      "app.get('/a', (c) => render(c.req.path));",
      "app.get('/a', async (c) => { await renderInto(c); });",
      "app.get('/a', (c) => { throw new Error('no'); });",
      "app.use(async (c, next) => { if (c.req.header('x')) { c.res = new Response('cached'); return; } await next(); });",
      "app.use(async (c, next) => { await withRetry(next); });",
      "app.get('/a', ({ req }) => { if (!req.query('a')) return; return new Response('a'); });",
      "app.get('/a', (c) => { const run = () => { c.res = new Response('x'); }; run(); });",
      "app.get('/a', (c) => { { const c = other; c.json(1); } return c.text('x'); });",
      "app.use(async (c, next) => { if (c.req.path === '/') return next(); await next(); });",
      // The catch never runs under Hono (awaiting next() does not throw): its path proves nothing.
      "app.use(async (c, next) => { try { await next(); } catch (e) { console.error(e); } });",
      // next() called from a callback: when it runs is not followed.
      "app.use(async (c, next) => { await limiter.consume(c.req.header('x-ip')).then(() => next()); });",
    ];
    for (const registration of silent) expect(lintHono(registration), registration).toEqual([]);
  });

  it('a string or number returned fails otherwise in Hono: not this report', () => {
    expect(lintHono("app.get('/a', (c) => 'hello');")).toEqual([]);
  });

  it('Koa middleware is never judged by return-response (it answers through `ctx.body`)', () => {
    const text = "import Koa from 'koa';\nconst app = new Koa();\napp.use(async (ctx, next) => {\n  if (ctx.path === '/') return;\n  await next();\n});\n";
    expect(reportsOf(text)).toEqual([]);
  });

  it('the other onion rules are silent on a handler unit, which has no next layer', () => {
    const text = `${HONO}const app = new Hono();\nconst next = () => Promise.resolve();\napp.get('/a', async (c) => {\n  next();\n  await next;\n  await next();\n  await next();\n  return c.text('a');\n});\n`;
    expect(factsOf(text).units.map((u) => [u.name, u.nextParam])).toEqual([['app.get(…)', undefined]]);
    expect(reportsOf(text)).toEqual([]);
  });
});
