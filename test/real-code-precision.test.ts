import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lintProject } from '../src/engine.js';
import { diskHost } from './helpers.js';

/**
 * Precision on real framework code (issue 11). The official examples and middleware of Express,
 * Koa, Hono, tRPC, NestJS, express-session and passport were linted with the CLI and gave no
 * report (docs/dev/issue-11-progress.md says what was run). These cases are our own code in the
 * shapes met there and in everyday apps: each must stay silent, and each must still be found as
 * middleware (at least as many units per framework as today), so the silence is a judgement and
 * not a detection failure.
 */
interface Case {
  name: string;
  files: Array<{ path: string; text: string }>;
  /** The least number of confirmed function units per framework. */
  units: Record<string, number>;
}

const CASES: Case[] = [
  {
    name: "one file per framework, common shapes",
    files: [
      {
        path: '/virtual/real-shapes/shapes2/express-a.js',
        text: `const express = require('express');
const path = require('path');
const app = express();
const router = express.Router();
app.param('id', function (req, res, next, id) {
  db.find(id, function (err, user) {
    if (err) return next(err);
    if (!user) return next(new Error('no user'));
    req.user = user;
    next();
  });
});
router.param('name', (req, res, next, name) => { req.name = name.toLowerCase(); next(); });
app.get('/file/:f', function (req, res, next) {
  res.sendFile(path.join(__dirname, req.params.f), function (err) {
    if (!err) return;
    if (err.status !== 404) return next(err);
    res.statusCode = 404;
    res.send('not found');
  });
});
app.get('/dl', function (req, res, next) {
  res.download('/x', function (err) { if (err) next(err); });
});
app.get('/neg', function (req, res) {
  res.format({ html: function () { res.send('<p>x</p>'); }, json: function () { res.json({}); }, default: function () { res.status(406).send('no'); } });
});
app.get('/skip', function (req, res, next) { if (req.query.skip) return next('route'); next(); }, function (req, res) { res.send('a'); });
app.get('/async', async (req, res, next) => {
  try { const x = await load(); res.json(x); } catch (e) { next(e); }
});
app.use(function (req, res, next) {
  const start = Date.now();
  res.on('finish', function () { console.log(Date.now() - start); });
  next();
});
router.use(function (req, res, next) { res.locals.user = req.user; next(); });
router.get('/x', (req, res) => res.status(401).json({ a: 1 }));
app.use('/r', router);
app.get('/redirect', function (req, res) { res.redirect(req.get('Referrer') || '/'); });
app.get('/stream', function (req, res) { res.write('a'); res.write('b'); res.end(); });
app.get('/cookie', function (req, res) { res.cookie('a', 'b'); res.clearCookie('c'); res.redirect('back'); });
app.get('/sess', function (req, res, next) {
  req.session.regenerate(function (err) {
    if (err) next(err);
    req.session.user = 1;
    req.session.save(function (err) { if (err) return next(err); res.redirect('/'); });
  });
});
app.get('/t', function (req, res, next) {
  setTimeout(function () { next(new Error('late')); }, 10);
});
app.get('/j', function (req, res) { res.jsonp({ a: 1 }); });
app.get('/st', function (req, res) { res.sendStatus(204); });
app.get('/end', (req, res) => { res.set('X', '1').status(200).end(); });
app.use(function (req, res, next) { req.session.views = (req.session.views || 0) + 1; next(); });
app.get('/promise', (req, res, next) => { load().then((x) => res.json(x)).catch(next); });
app.get('/promise2', (req, res, next) => load().then((x) => res.send(x), next));
app.use(function (req, res, next) { if (req.method !== 'GET') { next(); return; } res.setHeader('Cache-Control', 'no-store'); next(); });
app.get('/two', function (req, res) { if (req.query.a) { res.send('a'); } else { res.send('b'); } });
app.use(function notFound(req, res, next) { res.status(404); if (req.accepts('html')) { res.render('404', { url: req.url }); return; } if (req.accepts('json')) { res.json({ error: 'Not found' }); return; } res.type('txt').send('Not found'); });
app.use(function (err, req, res, next) {
  if (res.headersSent) return next(err);
  res.status(500);
  res.render('error', { error: err });
});
app.listen(3000);
`,
      },
      {
        path: '/virtual/real-shapes/shapes2/hono-a.ts',
        text: `import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import { streamText } from 'hono/streaming'
const app = new Hono<{ Variables: { user: string } }>()
app.use(async (c, next) => { c.set('user', 'x'); await next() })
app.use('*', async (c, next) => { const s = Date.now(); await next(); c.header('X-Time', String(Date.now() - s)) })
app.use('/admin/*', async (c, next) => { if (!c.req.header('Authorization')) return c.text('no', 401); await next() })
app.use('/a/*', async (c, next) => { if (!c.req.header('x')) throw new HTTPException(401, { message: 'no' }); return next() })
app.use(async (c, next) => { try { await next() } catch (e) { return c.text('x', 500) } })
app.get('/', (c) => c.text('hi'))
app.get('/j', async (c) => { const x = await load(); return c.json(x) })
app.get('/s', (c) => streamText(c, async (stream) => { await stream.write('a') }))
app.get('/r', (c) => c.redirect('/'))
app.get('/n', (c) => c.notFound())
app.get('/b', (c) => { c.status(201); return c.body(null) })
app.get('/resp', () => new Response('x'))
app.onError((err, c) => { if (err instanceof HTTPException) return err.getResponse(); return c.text('err', 500) })
app.notFound((c) => c.text('nf', 404))
const auth = createMiddleware(async (c, next) => { if (!ok(c)) { return c.json({ e: 1 }, 401) } await next() })
app.use('/x/*', auth)
app.get('/chain', auth, async (c, next) => { await next() }, (c) => c.text('ok'))
app.use(async (c, next) => { await next(); if (c.res.status === 404) { c.res = new Response('nf', { status: 404 }) } })
app.use(async (_c, next) => await next())
app.get('/html', (c) => c.html('<p>a</p>'))
app.route('/sub', new Hono().get('/', (c) => c.text('sub')))
export default app
`,
      },
      {
        path: '/virtual/real-shapes/shapes2/koa-a.js',
        text: `const Koa = require('koa');
const Router = require('@koa/router');
const compose = require('koa-compose');
const app = new Koa();
const router = new Router();
app.use(async (ctx, next) => {
  try { await next(); } catch (err) { ctx.status = err.status || 500; ctx.body = err.message; ctx.app.emit('error', err, ctx); }
});
app.use(async (ctx, next) => { const s = Date.now(); await next(); ctx.set('X-Response-Time', \`\${Date.now() - s}ms\`); });
app.use((ctx, next) => next().then(() => { ctx.set('X', '1'); }));
app.use((ctx, next) => { ctx.state.a = 1; return next(); });
app.use(async function (ctx, next) { await next(); if (ctx.status !== 404) return; ctx.status = 404; ctx.body = 'nf'; });
app.use(async (ctx, next) => { if (ctx.path === '/favicon.ico') return; await next(); });
app.use(async (ctx, next) => { if (!ctx.session.user) ctx.throw(401); await next(); });
app.use(async (ctx, next) => { if (ctx.method === 'OPTIONS') { ctx.status = 204; return; } return await next(); });
router.get('/', async (ctx, next) => { ctx.body = 'hi'; });
router.get('/u/:id', async (ctx, next) => { const u = await find(ctx.params.id); if (!u) { ctx.status = 404; return; } ctx.state.u = u; await next(); }, async (ctx) => { ctx.body = ctx.state.u; });
router.param('id', (id, ctx, next) => { ctx.id = id; return next(); });
app.use(router.routes()).use(router.allowedMethods());
app.use(compose([async (ctx, next) => { await next(); }, async (ctx) => { ctx.body = 'x'; }]));
app.use(async (ctx, next) => { ctx.assert(ctx.query.a, 400, 'a required'); await next(); });
app.use(async (ctx, next) => { await Promise.all([next(), other()]); });
app.use(async (ctx, next) => { const res = await next(); return res; });
app.use(async (ctx, next) => { try { return await next(); } finally { log(); } });
app.use(async (ctx, next) => { await next().catch((e) => { ctx.status = 500; }); });
app.use(async (ctx, next) => { switch (ctx.path) { case '/a': ctx.body = 'a'; break; default: await next(); } });
app.use(async (ctx, next) => { for (const h of hooks) await h(ctx); await next(); });
app.listen(3000);
`,
      },
      {
        path: '/virtual/real-shapes/shapes2/nest-a.ts',
        text: `import { Injectable, NestMiddleware, Module, MiddlewareConsumer, NestModule } from '@nestjs/common'
import { Request, Response, NextFunction } from 'express'
@Injectable()
export class LoggerMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) { console.log('Request...'); next() }
}
@Injectable()
export class AuthMiddleware implements NestMiddleware {
  async use(req: Request, res: Response, next: NextFunction) {
    const ok = await check(req)
    if (!ok) { res.status(401).json({ message: 'no' }); return }
    next()
  }
}
export function logger(req: Request, res: Response, next: NextFunction) { console.log('r'); next() }
@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) { consumer.apply(LoggerMiddleware, AuthMiddleware, logger).forRoutes('cats') }
}
declare function check(r: Request): Promise<boolean>
`,
      },
      {
        path: '/virtual/real-shapes/shapes2/trpc-a.ts',
        text: `import { initTRPC, TRPCError } from '@trpc/server'
import { z } from 'zod'
type Ctx = { user?: { id: string } }
const t = initTRPC.context<Ctx>().create()
const isAuthed = t.middleware(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' })
  return next({ ctx: { user: ctx.user } })
})
const logger = t.middleware(async (opts) => {
  const start = Date.now()
  const result = await opts.next()
  const ms = Date.now() - start
  result.ok ? console.log('ok', ms) : console.error('err', ms)
  return result
})
const timing = t.middleware(async ({ path, type, next }) => { const r = await next(); console.log(path, type); return r })
export const publicProcedure = t.procedure.use(logger)
export const protectedProcedure = t.procedure.use(isAuthed).use(async function withX(opts) { return opts.next({ ctx: { x: 1 } }) })
export const p2 = t.procedure.use(async ({ ctx, next }) => { const r = await next(); if (!r.ok) { console.log(r.error) } return r })
export const p3 = t.procedure.use(({ next, input }) => { return next() }).input(z.string()).query(({ input }) => input)
export const appRouter = t.router({ hello: publicProcedure.input(z.object({ a: z.string() })).query(({ input }) => input.a), bye: protectedProcedure.mutation(({ ctx }) => ctx.user.id) })
export const withTiming = publicProcedure.use(timing)
export const p4 = t.procedure.use(async (opts) => { const { ctx } = opts; if (!ctx.user) { throw new TRPCError({ code: 'FORBIDDEN' }) } return opts.next({ ctx }) })
export const p5 = t.procedure.unstable_concat(publicProcedure)
`,
      },
    ],
    units: { express: 16, hono: 19, koa: 18, nest: 3, trpc: 7 },
  },
  {
    name: "callbacks, streams, proxies and hand-offs",
    files: [
      {
        path: '/virtual/real-shapes/shapes3/express-b.js',
        text: `const express = require('express');
const passport = require('passport');
const app = express();
app.get('/v', function (req, res, next) {
  res.render('x', { a: 1 }, function (err, html) { if (err) return next(err); res.send(html); });
});
app.use(function (req, res, next) {
  try { validate(req); next(); } catch (e) { res.status(400).send(e.message); }
});
app.use(function (req, res, next) { process.nextTick(next); });
app.get('/d', async (req, res) => { const d = await x(); if (!d) return res.sendStatus(404); res.json(d); });
app.post('/login', (req, res, next) => {
  passport.authenticate('local', (err, user) => {
    if (err) return next(err);
    if (!user) return res.redirect('/login');
    req.logIn(user, (err) => { if (err) return next(err); return res.redirect('/'); });
  })(req, res, next);
});
app.use(function (req, res, next) { res.header('Access-Control-Allow-Origin', '*'); if (req.method === 'OPTIONS') { return res.sendStatus(200); } next(); });
app.use(async function (req, res, next) { try { req.user = await load(req); return next(); } catch (err) { return next(err); } });
app.use(async function (req, res, next) { try { req.user = await load(req); } catch (err) { return next(err); } next(); });
app.use(function (req, res, next) { if (!req.user) { res.status(401); return res.end(); } next(); });
app.get('/p', function (req, res, next) { Promise.resolve().then(function () { res.send('x'); }).catch(next); });
app.use(function (req, res, next) { const end = res.end; res.end = function (...a) { log(); return end.apply(this, a); }; next(); });
app.use(function (req, res, next) { req.on('end', () => next()); req.resume(); });
app.use(function (req, res, next) { if (req.secure) return next(); res.redirect('https://' + req.headers.host + req.url); });
app.get('/x', (req, res, next) => { const e = new Error('x'); e.status = 404; next(e); });
app.use((req, res, next) => { res.locals.csrf = req.csrfToken(); return void next(); });
app.use((err, req, res, _next) => { res.status(err.status || 500).json({ message: err.message }); });
app.use(function (err, req, res, next) { return res.headersSent ? next(err) : res.status(500).send('x'); });
app.listen(3000);
`,
      },
      {
        path: '/virtual/real-shapes/shapes3/hono-b.tsx',
        text: `import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { serveStatic } from 'hono/bun'
type Env = { Bindings: { ASSETS: { fetch(r: Request): Promise<Response> } } }
const app = new Hono<Env>()
const auth = { handler: (r: Request): Promise<Response> => fetch(r) }
app.get('/a', (c) => { throw new HTTPException(404, { message: 'nf' }) })
app.get('/assets/*', (c) => c.env.ASSETS.fetch(c.req.raw))
app.get('/proxy', (c) => fetch('https://example.com'))
app.get('/proxy2', async (c) => { const r = await fetch('https://example.com'); return new Response(r.body, r) })
app.on(['GET', 'POST'], '/api/auth/*', (c) => auth.handler(c.req.raw))
app.all('/trpc/*', (c) => handle(c.req.raw))
app.get('/if', (c) => { if (c.req.query('a')) return c.text('a'); return c.text('b') })
app.get('/res', (c) => { const r = c.json({ a: 1 }); return r })
app.use((c, next) => { c.set('a' as never, 1 as never); return next() })
app.get('/static/*', serveStatic({ root: './' }))
app.get('/sw', (c) => { switch (c.req.query('t')) { case 'a': return c.text('a'); default: return c.notFound() } })
app.get('/try', async (c) => { try { return c.json(await load()) } catch { return c.text('e', 500) } })
app.get('/ren', (c) => c.render(<p>hi</p>))
app.get('/wait', async (c) => { c.executionCtx.waitUntil(log()); return c.text('ok') })
app.post('/post', async (c) => { const body = await c.req.json(); return c.json(body, 201) })
declare function handle(r: Request): Promise<Response>
declare function load(): Promise<unknown>
declare function log(): Promise<void>
export default app
`,
      },
      {
        path: '/virtual/real-shapes/shapes3/koa-b.ts',
        text: `import Koa, { Context, Next } from 'koa'
const app = new Koa()
export async function errorHandler(ctx: Context, next: Next) { try { await next() } catch (err: any) { ctx.status = err.statusCode || err.status || 500; ctx.body = { message: err.message }; ctx.app.emit('error', err, ctx) } }
export const logger = async (ctx: Koa.Context, next: Koa.Next): Promise<void> => { const s = Date.now(); await next(); console.log(ctx.method, Date.now() - s) }
app.use(errorHandler).use(logger)
app.use(async (ctx, next) => { if (ctx.path.startsWith('/api')) { await next(); return } ctx.body = 'spa' })
app.use((ctx, next) => { if (ctx.query.a) return next(); ctx.status = 400 })
app.use(async (ctx, next) => { ctx.res.on('finish', () => log()); await next() })
app.use(async (ctx, next) => { await new Promise((r) => setTimeout(r, 1)); await next() })
app.use(async (ctx, next) => { const done = next(); await other(); await done })
declare function log(): void
declare function other(): Promise<void>
app.listen(3000)
`,
      },
      {
        path: '/virtual/real-shapes/shapes3/trpc-b.ts',
        text: `import { initTRPC } from '@trpc/server'
const t = initTRPC.create()
export const a = t.procedure.use(async ({ next }) => { try { return await next() } catch (e) { console.error(e); throw e } })
export const b = t.procedure.use(async (opts) => opts.next(opts))
export const c = t.procedure.use(async function named(opts) { const r = await opts.next(); if (!r.ok) throw r.error; return r })
export const d = t.procedure.use(t.middleware(async ({ next, ctx }) => next({ ctx: { ...ctx, x: 1 } })))
const base = t.middleware(async ({ next }) => next())
export const e = t.procedure.use(base.unstable_pipe(async ({ next }) => next()))
`,
      },
    ],
    units: { express: 16, hono: 14, koa: 7, trpc: 6 },
  },
  {
    name: "an Express app across modules",
    files: [
      {
        path: '/virtual/real-shapes/shapes4/app.js',
        text: `const express = require('express');
const users = require('./controllers/users');
const { requireAuth, errorHandler } = require('./mw');
const app = express();
app.use(require('./mw/locals'));
app.get('/users', requireAuth, users.list);
app.get('/users/:id', users.show);
app.use(errorHandler);
module.exports = app;
`,
      },
      {
        path: '/virtual/real-shapes/shapes4/controllers/users.js',
        text: `exports.list = function (req, res, next) {
  db.all(function (err, rows) { if (err) return next(err); res.render('users', { rows }); });
};
exports.show = async (req, res, next) => {
  try { const u = await db.get(req.params.id); if (!u) return next(); res.json(u); } catch (e) { next(e); }
};
`,
      },
      {
        path: '/virtual/real-shapes/shapes4/mw/index.js',
        text: `function requireAuth(req, res, next) { if (req.user) return next(); res.status(401).send('login'); }
function errorHandler(err, req, res, next) { if (res.headersSent) { return next(err); } res.status(500).render('error', { err }); }
module.exports = { requireAuth, errorHandler };
`,
      },
      {
        path: '/virtual/real-shapes/shapes4/mw/locals.js',
        text: `module.exports = function locals(req, res, next) { res.locals.path = req.path; next(); };
`,
      },
    ],
    units: { express: 4 },
  },
  {
    name: "uploads, streams, proxies and answers without next",
    files: [
      {
        path: '/virtual/real-shapes/shapes6/express-c.js',
        text: `const express = require('express');
const multer = require('multer');
const fs = require('fs');
const busboy = require('busboy');
const app = express();
const upload = multer({ dest: 'u/' });
app.post('/upload', (req, res) => {
  const bb = busboy({ headers: req.headers });
  bb.on('close', () => { res.writeHead(303, { Connection: 'close', Location: '/' }); res.end(); });
  req.pipe(bb);
});
app.get('/file', (req, res) => { fs.createReadStream('/x').pipe(res); });
app.get('/h', (req, res) => { handler(req, res); });
app.get('/b', controller.index.bind(controller));
app.use((req, res, next) => auth(req, res, next));
app.use((req, res, next) => { return passport.authenticate('jwt', { session: false })(req, res, next); });
app.post('/up', (req, res, next) => { upload.single('file')(req, res, (err) => { if (err) return res.status(400).send(err.message); next(); }); });
app.get('/q', (req, res, next) => { db.query('x', next); });
app.get('/r', (req, res, next) => { fs.readFile('/x', (err, data) => err ? next(err) : res.send(data)); });
app.use(function (req, res, next) { if (req.path.endsWith('/')) { res.redirect(301, req.path.slice(0, -1)); } else { next(); } });
app.use(function (req, res, next) { req.setTimeout(5000, () => { res.status(503).end(); }); next(); });
app.use((req, res, next) => { const t = setTimeout(() => { if (!res.headersSent) res.status(503).send('timeout'); }, 5000); res.on('finish', () => clearTimeout(t)); next(); });
app.get('/e', (req, res) => { res.status(404).render('404'); });
app.get('/ev', (req, res) => { res.writeHead(200, { 'Content-Type': 'text/event-stream' }); const i = setInterval(() => res.write('data: x\\n\\n'), 1000); req.on('close', () => clearInterval(i)); });
app.get('/pr', (req, res, next) => { proxy.web(req, res, { target: 'http://x' }, next); });
app.use(express.static('public'), (req, res, next) => { next(); });
app.get('/w', wrap(async (req, res) => { res.send(await x()); }));
app.get('/loop', (req, res, next) => { for (const h of handlers) { if (h.match(req)) return h.handle(req, res); } next(); });
app.use((req, res, next) => { if (req.headers['x-a']) { return void res.status(400).send('a'); } next(); });
app.use((req, res, next) => { res.once('close', () => log()); return next(); });
app.listen(3000);
`,
      },
      {
        path: '/virtual/real-shapes/shapes6/hono-c.ts',
        text: `import { Hono } from 'hono'
import type { Context } from 'hono'
const app = new Hono()
declare function proxy(c: Context): Promise<Response>
declare function serve(c: Context): Promise<Response | undefined>
app.use('/p/*', async (c, next) => { c.res = await fetch('https://x') })
app.use('/a/*', async (c, next) => { return fetch(c.req.raw) })
app.use('/b/*', (c, next) => proxy(c))
app.use('/c/*', async (c, next) => { c.status(404); return c.body(null) })
app.use('/s/*', async (c, next) => { const res = await serve(c); if (res) return res; await next() })
app.use(async (c, next) => { await next(); c.res = undefined; c.res = c.json({ a: 1 }) })
app.use(async (c, next) => { if (c.req.method === 'OPTIONS') { return new Response(null, { status: 204 }) } return next() })
app.use(async (c, next) => { await next(); if (c.error) { console.log(c.error) } })
app.get('/x', async (c, next) => { if (c.req.query('a')) return c.text('a'); await next() }, (c) => c.text('b'))
app.use(async (c, next) => { c.header('X', '1'); return await next() })
app.use(async (c, next) => { const start = performance.now(); try { await next() } finally { c.header('T', String(performance.now() - start)) } })
export default app
`,
      },
      {
        path: '/virtual/real-shapes/shapes6/koa-c.js',
        text: `const Koa = require('koa');
const send = require('koa-send');
const mount = require('koa-mount');
const app = new Koa();
app.use(async (ctx, next) => { try { await next(); } catch (e) { ctx.status = 500; ctx.body = 'x'; } finally { log(); } });
app.use(async (ctx, next) => { await send(ctx, ctx.path, { root: '/x' }); });
app.use(async (ctx, next) => { ctx.redirect('/x'); });
app.use(async (ctx, next) => { ctx.throw(404); });
app.use(async (ctx, next) => { ctx.status = 204; });
app.use(async (ctx, next) => { ctx.response.body = 'x'; });
app.use(async (ctx, next) => { ctx.respond = false; ctx.res.end('raw'); });
app.use(async (ctx, next) => { ctx.attachment('a.txt'); ctx.body = stream(); });
app.use(mount('/api', async (ctx, next) => { await next(); }));
app.use(async (ctx, next) => { if (ctx.path === '/ws') { return handleWs(ctx); } await next(); });
app.use(async (ctx, next) => { ctx.req.setTimeout(0); await next(); });
app.use(async (ctx, next) => { await next(); if (!ctx.body) ctx.body = { ok: true }; });
app.use(function (ctx, next) { return new Promise((resolve) => setTimeout(resolve, 5)).then(next); });
app.use(async (ctx, next) => { ctx.state.x = 1; await next?.(); });
app.use(async (ctx, next) => { const p = next(); p.catch(() => {}); await p; });
app.listen(3000);
`,
      },
      {
        path: '/virtual/real-shapes/shapes6/trpc-c.ts',
        text: `import { initTRPC, TRPCError } from '@trpc/server'
const t = initTRPC.context<{ user?: string }>().create()
export const a = t.procedure.use(async (opts) => { if (opts.ctx.user) return opts.next({ ctx: { user: opts.ctx.user } }); return opts.next() })
export const b = t.procedure.use(({ ctx, next }) => { return ctx.user ? next() : Promise.reject(new TRPCError({ code: 'UNAUTHORIZED' })) })
export const c = t.procedure.use(async ({ next, getRawInput }) => { const raw = await getRawInput(); console.log(raw); return next() })
export const d = t.procedure.use(async ({ next, ctx }) => { const start = Date.now(); const res = await next({ ctx }); console.log(Date.now() - start); return res })
export const e = t.procedure.use(async ({ next }) => { const r = await next(); if (!r.ok) { throw r.error } return r })
`,
      },
    ],
    units: { express: 13, hono: 12, koa: 14, trpc: 5 },
  },
  {
    name: "Express send sequences (headers, then one send)",
    files: [
      {
        path: '/virtual/real-shapes/shapes7/express-d.js',
        text: `const express = require('express');
const app = express();
app.get('/a', (req, res, next) => { res.attachment('f.txt'); res.send(buf()); });
app.get('/b', (req, res, next) => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('x'); });
app.get('/c', (req, res, next) => { res.statusCode = 404; res.setHeader('X', '1'); res.end(); });
app.get('/d', (req, res, next) => { res.flushHeaders(); res.write('a'); res.end(); });
app.get('/e', (req, res, next) => { res.location('/x'); res.sendStatus(302); });
app.get('/f', async (req, res, next) => { try { const d = await load(); res.json(d); } catch (e) { if (!res.headersSent) res.status(500).json({ e: 1 }); } });
app.get('/g', async (req, res, next) => { try { res.json(await load()); } catch (e) { res.status(500).json({ e: String(e) }); } });
app.get('/h', async (req, res, next) => { try { const d = await load(); res.json(d); } catch (e) { next(e); } });
app.get('/i', (req, res, next) => { res.send('a'); if (!res.headersSent) res.send('b'); });
app.get('/j', (req, res, next) => { res.vary('Accept'); res.links({ next: '/n' }); res.type('json'); res.send('{}'); });
app.get('/k', (req, res, next) => { try { res.render('k'); } catch (e) { next(e); } });
app.get('/l', (req, res, next) => { res.status(200).contentType('text/html').send('x'); });
app.get('/m', async (req, res, next) => { const r = await load(); if (r.stream) { r.stream.pipe(res); return; } res.json(r); });
app.get('/n', (req, res, next) => { res.set({ a: '1' }).append('b', '2').cookie('c', 'd').status(201).end(); });
app.get('/o', (req, res, next) => { res.sendFile('/x', { root: '/' }); });
app.get('/p', (req, res, next) => { res.sendFile('/x', (err) => { if (err) res.status(err.status || 500).end(); }); });
app.get('/q', (req, res, next) => { res.json({ a: 1 }); log('after'); });
app.get('/r', (req, res, next) => { res.end(); res.on('finish', () => log()); });
app.listen(3000);
`,
      },
    ],
    units: { express: 18 },
  },
  {
    name: "Hono: assigning c.res finalizes the context",
    files: [
      {
        path: '/virtual/real-shapes/shapes9d/hono-c-res.ts',
        text: `import { Hono } from 'hono'
const app = new Hono()
app.get('/x', async (c) => { c.res = new Response('x') })
app.get('/y', (c) => { c.res = c.text('y') })
app.use('/m/*', async (c, next) => { if (maintenance()) { c.res = c.text('maint', 503); return } await next() })
app.get('/z', async (c) => { const r = await fetch('https://x'); c.res = new Response(r.body, r) })
declare function maintenance(): boolean
export default app
`,
      },
    ],
    units: { hono: 4 },
  },
  {
    name: "tRPC: next() returned through try/finally, variables and chains",
    files: [
      {
        path: '/virtual/real-shapes/shapes11/shapes11.ts',
        text: `import { initTRPC, experimental_standaloneMiddleware } from '@trpc/server'
const t = initTRPC.create()
declare const span: { start(): void; end(): void }
export const a = t.procedure.use(async ({ next }) => { span.start(); try { return await next() } finally { span.end() } })
export const b = t.procedure.use(async (opts) => { let result; if (Math.random() > 0.5) { result = await opts.next() } else { result = await opts.next({ ctx: {} }) } return result })
const sm = experimental_standaloneMiddleware<{ ctx: {} }>().create(async (opts) => opts.next())
export const c = t.procedure.use(sm)
export const d = t.procedure.use(async ({ next, type }) => { if (type === 'subscription') return next(); const r = await next(); return r })
export const e = t.procedure.use(async function timed({ next, path }) { const start = Date.now(); const res = await next(); console.log(path, Date.now() - start); return res; })
export const f = t.procedure.use(async (opts) => { const res = await opts.next(); return res.ok ? res : res })
export const g = t.procedure.use((opts) => opts.next().then((r) => r))
`,
      },
    ],
    units: { trpc: 7 },
  },
  {
    name: "Express routes, arrays and Connect apps",
    files: [
      {
        path: '/virtual/real-shapes/shapes12/a.js',
        text: `const express = require('express');
const connect = require('connect');
const app = express();
const router = express.Router({ mergeParams: true });
router.route('/book').all((req, res, next) => { req.t = 1; next(); }).get((req, res, next) => { res.send('b'); }).post((req, res, next) => { if (!req.body) return next(new Error('x')); res.status(201).end(); });
app.get('/arr', [(req, res, next) => { next(); }, (req, res, next) => { next(); }], (req, res) => res.send('x'));
app.use(async (req, res, next) => { await next(); log(req.path); });
app.use(async (req, res, next) => { const start = Date.now(); next(); log(Date.now() - start); });
app.use(function (req, res, next) { next(); return res.on('finish', log); });
const capp = connect();
capp.use(function (req, res, next) { if (req.url === '/') { res.statusCode = 200; res.setHeader('Content-Type', 'text/plain'); res.end('hi'); return; } next(); });
capp.use('/x', function (req, res) { res.end('x'); });
capp.use(function (err, req, res, next) { res.statusCode = 500; res.end(err.message); });
app.use('/r', router);
module.exports = app;
`,
      },
    ],
    units: { express: 8, connect: 2 },
  },
  {
    name: "NestJS: class middleware, an interceptor, NestFactory apps",
    files: [
      {
        path: '/virtual/real-shapes/shapes13/main.ts',
        text: `import { NestFactory } from '@nestjs/core'
import { Injectable, NestMiddleware, NestInterceptor, ExecutionContext, CallHandler, Module, MiddlewareConsumer, RequestMethod } from '@nestjs/common'
import { Observable, tap } from 'rxjs'
import type { Request, Response, NextFunction } from 'express'
@Injectable()
export class TimingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const now = Date.now()
    return next.handle().pipe(tap(() => console.log(Date.now() - now)))
  }
}
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly handler = (req: Request, res: Response, next: NextFunction) => next()
  use(req: Request, res: Response, next: NextFunction) { this.handler(req, res, next) }
}
@Injectable()
export class CorsMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    res.header('Access-Control-Allow-Origin', '*')
    if (req.method === 'OPTIONS') { res.sendStatus(204); return }
    next()
  }
}
@Injectable()
export class RawMiddleware implements NestMiddleware {
  use(req: any, res: any, next: () => void) {
    if (!req.headers['x-key']) { res.writeHead(401, { 'Content-Type': 'text/plain' }); res.end('no key'); return }
    next()
  }
}
@Module({})
export class AppModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(SessionMiddleware, CorsMiddleware, RawMiddleware).exclude({ path: 'health', method: RequestMethod.GET }).forRoutes('*')
  }
}
async function bootstrap() {
  const app = await NestFactory.create(AppModule)
  app.use((req: Request, res: Response, next: NextFunction) => { res.setHeader('X-Frame-Options', 'DENY'); next() })
  app.useGlobalInterceptors(new TimingInterceptor())
  await app.listen(3000)
}
void bootstrap()
`,
      },
    ],
    units: { nest: 4 },
  },
];

function run(c: Case) {
  const { results, model } = lintProject(c.files, { config: defaultConfig(), host: diskHost });
  const reports = results.flatMap((r) => r.diagnostics.map((d) => `${r.filePath}: ${d.ruleId} ${d.message}`));
  const units: Record<string, number> = {};
  for (const u of model.units) if (u.confirmed && u.unit.framework) units[u.unit.framework] = (units[u.unit.framework] ?? 0) + 1;
  return { reports, units };
}

describe('real-code precision: correct framework code stays silent', () => {
  for (const c of CASES) {
    it(`${c.name}: no report, and its middleware are found`, () => {
      const { reports, units } = run(c);
      expect(reports).toEqual([]);
      for (const [framework, least] of Object.entries(c.units)) expect(units[framework] ?? 0, framework).toBeGreaterThanOrEqual(least);
    });
  }
});

/** The Koa units found in one file (a `koa` import is enough for the front-end to look). */
function koaUnitNames(text: string): string[] {
  const { model } = lintProject([{ path: '/virtual/real-shapes/app.js', text }], { config: defaultConfig(), host: diskHost });
  return model.units.flatMap((u) => (u.unit.framework === 'koa' ? [u.unit.name] : []));
}

describe("Koa 3's `compose` option (Koa's own tests build apps with one)", () => {
  const app = (options: string) => `import Koa from 'koa';\nconst app = new Koa(${options});\napp.use((ctx, next) => { next(); });\n`;

  it('an app given its own composition is not judged: its layers follow that contract', () => {
    expect(koaUnitNames(app('{ compose: (layers) => (ctx) => layers[0](ctx, () => {}) }'))).toEqual([]);
    expect(koaUnitNames(app('{ proxy: true, compose }'))).toEqual([]);
    expect(koaUnitNames(app('{ compose(layers) { return (ctx) => layers[0](ctx, () => {}); } }'))).toEqual([]);
    expect(koaUnitNames(app("{ 'compose': runAll }"))).toEqual([]);
  });

  it('options onionlint cannot read may hold one: the app is not judged either', () => {
    expect(koaUnitNames(app('options'))).toEqual([]);
    expect(koaUnitNames(app('{ ...defaults, proxy: true }'))).toEqual([]);
    expect(koaUnitNames(app('{ [key]: value }'))).toEqual([]);
  });

  it('options without it keep koa-compose: the app is judged, chained registrations too', () => {
    expect(koaUnitNames(app(''))).toEqual(['app.use(…)']);
    expect(koaUnitNames(app('{ proxy: true, env: "production", keys: ["k"] }'))).toEqual(['app.use(…)']);
    expect(koaUnitNames("import Koa from 'koa';\nnew Koa({ proxy: true }).use((ctx, next) => { next(); });\n")).toEqual(['use(…)']);
    expect(koaUnitNames("import Koa from 'koa';\nnew Koa({ compose: run }).use((ctx, next) => { next(); });\n")).toEqual([]);
  });
});
