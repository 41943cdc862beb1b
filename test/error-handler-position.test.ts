import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint, lintProject } from '../src/engine.js';
import { applyFixes } from '../src/fix.js';
import type { Diagnostic } from '../src/model.js';
import { factsOf } from './helpers.js';

const ID = 'onion/error-handler-position';

/** The rule's reports on files linted together (all of the first file's, unless `path` names another). */
function reportsIn(files: Array<{ path: string; text: string }>, path = files[0]!.path): Diagnostic[] {
  const { results } = lintProject(files, { config: defaultConfig() });
  return results.find((r) => r.filePath === path)!.diagnostics.filter((d) => d.ruleId === ID);
}

const one = (text: string, path = '/virtual/app.js') => reportsIn([{ path, text }]);

/** Every report of every rule on one file, as `rule@line`. */
function allReports(text: string, path = '/virtual/app.js'): string[] {
  const [result] = lint([{ path, text }], { config: defaultConfig() });
  return result!.diagnostics.map((d) => `${d.ruleId}@${text.slice(0, d.range.start).split('\n').length}`);
}

const at = (text: string, d: Diagnostic) => text.slice(d.range.start, d.range.end);

const EXPRESS = "const express = require('express');\nconst app = express();\n";
const ERR = 'function errorHandler(err, req, res, next) {\n  res.status(500).json({ error: err.message });\n}\n';

describe('error-handler-position: Express and Connect error handlers', () => {
  it('an error handler above a route: reported at the handler, naming the route, and moved below it', () => {
    const text = `${EXPRESS}${ERR}app.use(errorHandler);\napp.get('/users', (req, res) => {\n  res.json([]);\n});\napp.listen(3000);\n`;
    const [d, ...rest] = one(text);
    expect(rest).toEqual([]);
    expect(at(text, d!)).toBe('errorHandler');
    expect(d!.message).toBe(
      "`errorHandler` is an error handler, but `app.get('/users', …)` runs after it (line 6 vs line 7) and no error handler after that one can see its errors: Express passes an error only to the error handlers registered after the layer that raised it, so errors from `app.get('/users', …)` skip `errorHandler` and reach the default handler (a 500 with the stack trace outside production). Register `errorHandler` after `app.get('/users', …)`.",
    );
    expect(applyFixes(text, [d!.fix!]).output).toBe(`${EXPRESS}${ERR}app.get('/users', (req, res) => {\n  res.json([]);\n});\napp.use(errorHandler);\napp.listen(3000);\n`);
    // The fixed app is clean.
    expect(one(applyFixes(text, [d!.fix!]).output)).toEqual([]);
  });

  it('statements between the handler and the last route: a suggestion to move it, no fix', () => {
    const text = `${EXPRESS}${ERR}app.use(errorHandler);\napp.get('/a', (req, res) => res.send('a'));\nconsole.log('routes');\napp.get('/b', (req, res) => res.send('b'));\n`;
    const [d] = one(text);
    expect(d!.fix).toBeUndefined();
    expect(d!.message).toContain("Register `errorHandler` after `app.get('/b', …)`.");
    expect(d!.suggestions?.map((s) => s.message)).toEqual(["Move the registration of `errorHandler` below that of `app.get('/b', …)`."]);
    expect(applyFixes(text, [d!.suggestions![0]!.fix]).output).toBe(
      `${EXPRESS}${ERR}app.get('/a', (req, res) => res.send('a'));\nconsole.log('routes');\napp.get('/b', (req, res) => res.send('b'));\napp.use(errorHandler);\n`,
    );
  });

  it('silent when an error handler registered after the layers sees their errors, or may (an unknown layer)', () => {
    const later = `${EXPRESS}${ERR}app.use(errorHandler);\napp.get('/a', (req, res) => res.send('a'));\napp.use((err, req, res, next) => { res.status(500).end(); });\n`;
    expect(one(later)).toEqual([]);
    const unknown = `${EXPRESS}const { reportErrors } = require('./errors');\n${ERR}app.use(errorHandler);\napp.get('/a', (req, res) => res.send('a'));\napp.use(reportErrors);\n`;
    expect(one(unknown)).toEqual([]);
    // Registered in a callback: its place is unknown, it may come after the route.
    const callback = `${EXPRESS}${ERR}app.use(errorHandler);\napp.get('/a', (req, res) => res.send('a'));\nsetImmediate(() => app.use((err, req, res, next) => res.status(500).end()));\n`;
    expect(one(callback)).toEqual([]);
  });

  it('paths: a handler on `/api` does not cover a route on `/web`; a router mounted on a path keeps its own order', () => {
    const paths = `${EXPRESS}app.use('/api', (err, req, res, next) => { res.status(500).json({}); });\napp.get('/web', (req, res) => res.send('web'));\n`;
    expect(one(paths)).toEqual([]);
    const router = `${EXPRESS}const api = express.Router();\napi.use((err, req, res, next) => { res.status(500).json({}); });\napi.get('/items', (req, res) => res.json([]));\napp.use('/api', api);\n`;
    const [d] = one(router);
    expect(d!.message).toContain("but `api.get('/items', …)` on `/api/items` runs after it (line 4 vs line 5)");
    // Different receivers (the router and the app) are never moved by a fix.
    const mounted = `${EXPRESS}const api = express.Router();\napi.use((err, req, res, next) => { res.status(500).json({}); });\napp.use('/api', api);\napp.get('/x', (req, res) => res.send('x'));\n`;
    expect(one(mounted)).toEqual([]);
  });

  it('conditions: a handler in one branch and a route in the other are never in one app', () => {
    const text = `${EXPRESS}if (process.env.API) {\n  app.use((err, req, res, next) => { res.status(500).end(); });\n} else {\n  app.get('/', (req, res) => res.send('x'));\n}\n`;
    expect(one(text)).toEqual([]);
  });

  it('one report per registration holding several error handlers; an error handler followed only by a 404 handler is left alone', () => {
    const two = `${EXPRESS}${ERR}function logErrors(err, req, res, next) { console.error(err); next(err); }\napp.use(logErrors, errorHandler);\napp.get('/', (req, res) => res.send('x'));\n`;
    expect(one(two).map((d) => at(two, d))).toEqual(['logErrors']);
    const notFoundLast = `${EXPRESS}app.get('/', (req, res) => res.send('x'));\napp.use((err, req, res, next) => { res.status(500).end(); });\napp.use((req, res, next) => { res.status(404).send('Not Found'); });\n`;
    expect(allReports(notFoundLast)).toEqual([]);
    const allStar = `${EXPRESS}app.get('/', (req, res) => res.send('x'));\napp.use((err, req, res, next) => { res.status(500).end(); });\napp.all('*', (req, res) => { res.status(404).json({ error: 'Not Found' }); });\n`;
    expect(allReports(allStar)).toEqual([]);
  });

  it('Connect: named as Connect in the message', () => {
    const text = "import connect from 'connect';\nconst app = connect();\napp.use(function onError(err, req, res, next) { res.statusCode = 500; res.end(); });\napp.use('/status', (req, res, next) => { res.end('ok'); });\n";
    const [d] = one(text, '/virtual/app.mjs');
    expect(d!.message).toContain('Connect passes an error only to the error handlers registered after the layer that raised it');
    expect(at(text, d!)).toMatch(/^function onError/);
  });
});

describe('error-handler-position: 404 catch-alls', () => {
  const NOT_FOUND = "app.use((req, res, next) => {\n  res.status(404).send('Not Found');\n});\n";

  it('a catch-all above a route: reported at it, naming the route, and moved below the last one', () => {
    const text = `${EXPRESS}app.get('/', (req, res) => res.send('home'));\n${NOT_FOUND}app.get('/about', (req, res) => res.send('about'));\n`;
    const [d, ...rest] = one(text);
    expect(rest).toEqual([]);
    expect(text.slice(0, d!.range.start).split('\n').length).toBe(4);
    expect(d!.message).toBe(
      "`app.use(…)` answers every request it sees and never calls `next()`, but it runs before `app.get('/about', …)` (line 4 vs line 7): that route never runs, and their requests get this response instead. Register `app.use(…)` after the routes, at the end of the stack.",
    );
    expect(applyFixes(text, [d!.fix!]).output).toBe(`${EXPRESS}app.get('/', (req, res) => res.send('home'));\napp.get('/about', (req, res) => res.send('about'));\n${NOT_FOUND}`);
  });

  it('counts the routes it hides, those of mounted routers included', () => {
    const text = `${EXPRESS}const admin = express.Router();\nadmin.get('/stats', (req, res) => res.json({}));\n${NOT_FOUND}app.get('/a', (req, res) => res.send('a'));\napp.use('/admin', admin);\n`;
    const [d] = one(text);
    expect(d!.message).toContain("but it runs before `app.get('/a', …)` (line 5 vs line 8) and 1 more route: those routes never run");
  });

  it('silent for a fallback that calls `next()` on some path, one under a condition, and one below the routes', () => {
    const callsNext = `${EXPRESS}app.use((req, res, next) => {\n  if (req.method === 'TRACE') return res.status(405).end();\n  next();\n});\napp.get('/', (req, res) => res.send('x'));\n`;
    expect(one(callsNext)).toEqual([]);
    const maintenance = `${EXPRESS}if (process.env.MAINTENANCE) {\n  app.use((req, res, next) => {\n    res.status(503).send('later');\n  });\n}\napp.get('/', (req, res) => res.send('x'));\n`;
    expect(one(maintenance)).toEqual([]);
    expect(one(`${EXPRESS}app.get('/', (req, res) => res.send('x'));\n${NOT_FOUND}`)).toEqual([]);
    // A catch-all on `/api` hides nothing on `/web`.
    expect(one(`${EXPRESS}app.use('/api', (req, res, next) => { res.status(404).json({}); });\napp.get('/web', (req, res) => res.send('x'));\n`)).toEqual([]);
  });
});

describe('error-handler-position: Koa', () => {
  const KOA = "const Koa = require('koa');\nconst Router = require('@koa/router');\nconst app = new Koa();\nconst router = new Router();\nrouter.get('/', (ctx) => { ctx.body = 'hi'; });\n";
  const CATCHER = 'app.use(async (ctx, next) => {\n  try {\n    await next();\n  } catch (err) {\n    ctx.status = 500;\n  }\n});\n';

  it('a catcher below the router: reported at it, naming the route, no fix across receivers', () => {
    const text = `${KOA}app.use(router.routes());\n${CATCHER}`;
    const [d, ...rest] = one(text);
    expect(rest).toEqual([]);
    expect(text.slice(0, d!.range.start).split('\n').length).toBe(7);
    expect(d!.message).toBe(
      "`app.use(…)` (line 7) catches the errors of the layers below it, but `router.get('/', …)`, registered above it (line 5), answers its requests itself: those requests never reach the catcher, and errors thrown there bypass it and go to Koa's default handler (a plain `Internal Server Error`, logged by `app.on('error')`). Register `app.use(…)` first, above the layers whose errors it should catch, as Koa's error-handling guide does.",
    );
    expect(d!.fix).toBeUndefined();
  });

  it('a catcher below a layer that answers without `next()`: moved above it', () => {
    const text = `${KOA}app.use(async (ctx, next) => { ctx.body = 'page'; });\n${CATCHER}`;
    const [d] = one(text);
    expect(d!.message).toContain('answers without ever calling `next()`');
    expect(applyFixes(text, [d!.fix!]).output).toBe(`${KOA}${CATCHER}app.use(async (ctx, next) => { ctx.body = 'page'; });\n`);
  });

  it('silent for the catcher first, and below loggers that call `next()`', () => {
    expect(allReports(`${KOA}${CATCHER}app.use(router.routes());\n`)).toEqual([]);
    const logger = 'app.use(async (ctx, next) => {\n  const t = Date.now();\n  await next();\n  console.log(Date.now() - t);\n});\n';
    expect(allReports(`${KOA}${logger}${CATCHER}app.use(router.routes());\n`)).toEqual([]);
  });

  it('catchesNext: `await next()` in a try with a catch, `next().catch(...)`, `next().then(ok, failed)`; not `return next()` or a try with only `finally`', () => {
    const caught = (body: string) => {
      const units = factsOf(`const Koa = require('koa');\nconst app = new Koa();\napp.use(async (ctx, next) => {\n${body}\n});\n`, '/virtual/app.js').units;
      const summary = units.find((u) => u.framework === 'koa')!.handler!;
      return summary.catchesNext !== undefined;
    };
    expect(caught('  try {\n    await next();\n  } catch (e) {\n    ctx.status = 500;\n  }')).toBe(true);
    expect(caught('  try {\n    await (next());\n  } catch {\n    ctx.status = 500;\n  }')).toBe(true);
    expect(caught('  await next().catch(() => { ctx.status = 500; });')).toBe(true);
    expect(caught('  return next().then(() => undefined, () => { ctx.status = 500; });')).toBe(true);
    expect(caught('  try {\n    return next();\n  } catch (e) {\n    ctx.status = 500;\n  }')).toBe(false);
    expect(caught('  try {\n    await next();\n  } finally {\n    ctx.set("x", "1");\n  }')).toBe(false);
    expect(caught('  try {\n    ctx.x = 1;\n  } catch (e) {\n    await next();\n  }')).toBe(false);
    expect(caught('  await next();')).toBe(false);
  });
});

describe('error-handler-position: Hono', () => {
  const HONO = "import { Hono } from 'hono';\nconst app = new Hono();\n";
  const CATCHER = "app.use('*', async (c, next) => {\n  try {\n    await next();\n  } catch (err) {\n    return c.text('error', 500);\n  }\n});\n";

  it('a catcher below a route handler on its path: reported, pointing at app.onError, no fix', () => {
    const text = `${HONO}app.get('/posts/:id', (c) => c.json({ id: c.req.param('id') }));\n${CATCHER}`;
    const [d] = one(text, '/virtual/app.ts');
    expect(text.slice(0, d!.range.start).split('\n').length).toBe(4);
    expect(d!.message).toBe(
      "`app.use('*', …)` catches errors around `next()`, but `app.get('/posts/:id', …)` is registered above it on its path (line 3 vs line 4): Hono runs layers in registration order, so that handler answers its requests before `app.use('*', …)` runs and its errors go to `app.onError`. Handle errors in `app.onError(...)` (Hono passes a handler's error there instead of rejecting `next()`), or read `c.error` after `await next()` in middleware registered above the routes.",
    );
    expect(d!.fix).toBeUndefined();
    expect(d!.suggestions).toBeUndefined();
  });

  it('silent for a catcher on another path, and for a route registered after it', () => {
    expect(one(`${HONO}app.get('/health', (c) => c.text('ok'));\n${CATCHER.replace("'*'", "'/api/*'")}`, '/virtual/app.ts')).toEqual([]);
    expect(one(`${HONO}${CATCHER}app.get('/posts', (c) => c.json([]));\n`, '/virtual/app.ts')).toEqual([]);
  });
});
