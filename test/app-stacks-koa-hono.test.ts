import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint } from '../src/engine.js';
import { applyFixes } from '../src/fix.js';
import { factsOf } from './helpers.js';

/*
 * Issue 12, stack recovery for Koa, Hono and NestJS (NODE.md §3): what the front-end records of
 * each app's and router's registrations, and what middleware-order makes of them — the
 * inferred needs under @koa/router prefixes and koa-mount paths, Nest's `configure(consumer)`
 * order, and Hono's own two: middleware below the routes it covers, and a sub-app's
 * registrations after `app.route(prefix, sub)` copied it.
 */

/** Each stack of a file as `name: method path [layers]` lines. */
function stacksOf(text: string, path = '/virtual/app.ts'): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of factsOf(text, path).appStacks ?? []) {
    out[`${s.framework} ${s.role} ${s.name}${s.basePath !== undefined ? ` base ${JSON.stringify(s.basePath)}` : ''}`] = s.registrations.map(
      (r) =>
        `${r.method} ${r.path === undefined ? '-' : JSON.stringify(r.path)}${r.methods ? ` ${r.methods.join(',')}` : ''} [${r.layers.map((l) => `${l.kind}:${l.value}${l.conditional ? '?' : ''}`).join(', ')}]${r.positionUnknown ? ' unknown' : ''}${r.statement ? ' stmt' : ''}`,
    );
  }
  return out;
}

/** middleware-order's reports on files linted together, as `file@line messageId: message`. */
function orderReports(files: Array<{ path: string; text: string }>): string[] {
  const results = lint(files, { config: defaultConfig() });
  return results.flatMap((r) => {
    const text = r.text;
    return r.diagnostics
      .filter((d) => d.ruleId === 'onion/middleware-order')
      .map((d) => `${r.filePath.slice(r.filePath.lastIndexOf('/') + 1)}@${text.slice(0, d.range.start).split('\n').length} ${d.messageId}: ${d.message}`);
  });
}
const one = (text: string, path = '/virtual/app.ts') => orderReports([{ path, text }]);

/** The file after middleware-order's fixes. */
function fixed(text: string, path = '/virtual/app.ts'): string {
  const [result] = lint([{ path, text }], { config: defaultConfig() });
  return applyFixes(text, result!.diagnostics.flatMap((d) => (d.ruleId === 'onion/middleware-order' && d.fix ? [d.fix] : []))).output;
}

const KOA = `import Koa from 'koa';
import Router from '@koa/router';
import mount from 'koa-mount';

const app = new Koa();

async function auth(ctx, next) {
  ctx.state.user = { id: ctx.get('x-user') };
  await next();
}
`;

describe('Koa: @koa/router prefixes, nested routers, koa-mount and compose', () => {
  it('a literal prefix applies to the router’s paths; options that cannot be read make them unknown', () => {
    expect(stacksOf(`${KOA}const api = new Router({ prefix: '/api' });\nconst other = new Router(options);\nconst plain = new Router({ methods: ['GET'] });\napi.get('/me', async (ctx, next) => { ctx.body = 1; });\nother.get('/x', async (ctx, next) => { ctx.body = 1; });\nplain.get('/y', async (ctx, next) => { ctx.body = 1; });\n`)).toMatchObject({
      'koa router api base "/api"': ['get "/me" [function:] stmt'],
      'koa router other base null': ['get "/x" [function:] stmt'],
      'koa router plain': ['get "/y" [function:] stmt'],
    });
  });

  it('app.use(mount(path, mw)) is a path filter; compose([a, [b, c]]) is flattened in order', () => {
    const text = `${KOA}import compose from 'koa-compose';\nasync function b(ctx, next) { await next(); }\nasync function c(ctx, next) { await next(); }\napp.use(mount('/admin', auth));\napp.use(mount(auth));\napp.use(compose([auth, [b, c]]));\n`;
    expect(stacksOf(text)['koa app app']).toEqual(['use "/admin" [reference:auth] stmt', 'use - [reference:auth] stmt', 'use - [reference:auth, reference:b, reference:c] stmt']);
  });

  it('a route reading ctx.state.user registered above the provider is reported under the router prefix; a provider mounted elsewhere is not', () => {
    const route = `const router = new Router({ prefix: '/admin' });\nrouter.get('/me', async (ctx, next) => {\n  ctx.body = { user: ctx.state.user };\n});\napp.use(router.routes()).use(router.allowedMethods());\n`;
    expect(one(`${KOA}${route}app.use(mount('/admin', auth));\n`)).toEqual([
      "app.ts@12 registeredBeforeProvider: `router.get('/me', …)` reads `ctx.state.user`, which `auth` sets, but is registered above it (line 12 vs line 16). Register `auth` above `router.get('/me', …)`.",
    ]);
    // The router answers /admin/me; middleware on /api never sees those requests.
    expect(one(`${KOA}${route}app.use(mount('/api', auth));\n`)).toEqual([]);
    // Options that cannot be read: the route's path is unknown, nothing is ordered against it.
    expect(one(`${KOA}${route.replace("{ prefix: '/admin' }", 'options')}app.use(auth);\n`)).toEqual([]);
    // In place: silent.
    expect(one(`${KOA}app.use(mount('/admin', auth));\n${route}`)).toEqual([]);
  });

  it('nested routers take the mount path and their own prefix', () => {
    const text = `${KOA}const api = new Router({ prefix: '/api' });\nconst users = new Router();\nusers.get('/me', async (ctx, next) => {\n  ctx.body = ctx.state.user;\n});\napi.use('/users', users.routes());\napp.use(api.routes());\napp.use(mount('/api/users', auth));\n`;
    expect(one(text)).toEqual([
      "app.ts@13 registeredBeforeProvider: `users.get('/me', …)` reads `ctx.state.user`, which `auth` sets, but is registered above it (line 13 vs line 18). Register `auth` above `users.get('/me', …)`.",
    ]);
    expect(one(text.replace("mount('/api/users', auth)", "mount('/api/other', auth)"))).toEqual([]);
    // Layers after a mounted router in the same registration run after its stack, not above it.
    expect(one(text.replace('users.routes())', 'users.routes(), users.allowedMethods())')).map((r) => r.split(':')[0])).toEqual(['app.ts@13 registeredBeforeProvider']);
  });
});

const HONO = `import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { every, some, except } from 'hono/combine';

const app = new Hono();
const token = process.env.TOKEN!;
`;

describe('Hono: middleware registered below the routes it covers', () => {
  it('app.use on a path below every route on it: reported, and the adjacent statement moves above the route', () => {
    const text = `${HONO}app.get('/api/users', (c) => c.json([]));\napp.use('/api/*', bearerAuth({ token }));\nexport default app;\n`;
    expect(one(text)).toEqual([
      "app.ts@8 useBelowRoute: `bearerAuth()` is registered below every route it covers, `app.get('/api/users', …)` first (line 8 vs line 7), whose handler answers without calling `next()`: Hono runs layers in registration order, so `bearerAuth()` never runs for that route's requests. Register it above the route.",
    ]);
    expect(fixed(text)).toContain("app.use('/api/*', bearerAuth({ token }));\napp.get('/api/users', (c) => c.json([]));\n");
  });

  it('not adjacent: a suggestion, no fix', () => {
    const text = `${HONO}app.get('/api/users', (c) => c.json([]));\napp.get('/health', (c) => c.text('ok'));\napp.use('/api/*', bearerAuth({ token }));\n`;
    const [result] = lint([{ path: '/virtual/app.ts', text }], { config: defaultConfig() });
    const [d] = result!.diagnostics.filter((x) => x.ruleId === 'onion/middleware-order');
    expect(d?.fix).toBeUndefined();
    expect(d?.suggestions?.[0]?.message).toBe("Move the registration of `bearerAuth()` above that of `app.get('/api/users', …)`.");
  });

  it('silent: a route left above as an exclusion, a handler that may call next, a global use, another path, some/except', () => {
    // `/admin/login` stays outside the auth that wraps the routes below it.
    expect(one(`${HONO}app.get('/admin/login', (c) => c.html('<form></form>'));\napp.use('/admin/*', bearerAuth({ token }));\napp.get('/admin/dash', (c) => c.text('dash'));\n`)).toEqual([]);
    expect(one(`${HONO}app.get('/api/users', async (c, next) => { if (c.req.query('x')) return c.json([]); await next(); });\napp.use('/api/*', bearerAuth({ token }));\n`)).toEqual([]);
    expect(one(`${HONO}app.get('/api/users', (c) => c.json([]));\napp.use(bearerAuth({ token }));\napp.use('*', bearerAuth({ token }));\n`)).toEqual([]);
    expect(one(`${HONO}app.get('/api/users', (c) => c.json([]));\napp.use('/admin/*', bearerAuth({ token }));\n`)).toEqual([]);
    expect(one(`${HONO}app.get('/api/users', (c) => c.json([]));\napp.use('/api/*', some(bearerAuth({ token }), async (c, next) => { await next(); }));\n`)).toEqual([]);
    expect(one(`${HONO}app.get('/api/users', (c) => c.json([]));\napp.use('/api/*', except('/api/public/*', bearerAuth({ token })));\n`)).toEqual([]);
  });

  it('every() runs its layers in order: they are the use’s layers', () => {
    const text = `${HONO}app.get('/api/users', (c) => c.json([]));\napp.use('/api/*', every(bearerAuth({ token })));\n`;
    expect(stacksOf(text)['hono app app']).toEqual(['get "/api/users" [function:] stmt', 'use "/api/*" [call:bearerAuth] stmt']);
    expect(one(text).map((r) => r.split(':')[0])).toEqual(['app.ts@8 useBelowRoute']);
    expect(stacksOf(`${HONO}app.use(some(bearerAuth({ token }), bearerAuth({ token })), except('/x', bearerAuth({ token })));\n`)['hono app app']).toEqual([
      'use - [call:bearerAuth?, call:bearerAuth?, call:bearerAuth?] stmt',
    ]);
  });

  it('basePath and app.route prefix the routes', () => {
    const text = `${HONO}const api = new Hono().basePath('/api');\napi.get('/users', (c) => c.json([]));\napp.route('/', api);\napp.use('/api/users/*', bearerAuth({ token }));\n`;
    expect(one(text).map((r) => r.split(':')[0])).toEqual(['app.ts@10 useBelowRoute']);
    expect(one(text.replace("app.use('/api/users/*'", "app.use('/users/*'"))).toEqual([]);
  });
});

describe('Hono: app.route(prefix, sub) copies sub at call time', () => {
  const head = `${HONO}const api = new Hono();\napi.get('/users', (c) => c.json([]));\n`;
  it('a route added to sub after the mount: reported, and the adjacent statements swap', () => {
    const text = `${head}app.route('/api', api);\napi.get('/books', (c) => c.json([]));\nexport default app;\n`;
    expect(one(text)).toEqual([
      "app.ts@10 registeredAfterRoute: `api.get('/books', …)` is registered on `api` after `app.route('/api', …)` copied `api`'s routes (line 10 vs line 9): Hono copies a sub-app when it is mounted, so its requests under `/api` answer 404. Mount `api` after it is complete.",
    ]);
    expect(fixed(text)).toContain("api.get('/books', (c) => c.json([]));\napp.route('/api', api);\nexport default app;\n");
  });

  it('middleware added later never runs there; not adjacent: no fix', () => {
    const text = `${head}app.route('/api', api);\napp.get('/', (c) => c.text('home'));\napi.use('*', bearerAuth({ token }));\n`;
    const reports = one(text);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('so it never runs for requests under `/api`');
    expect(fixed(text)).toBe(text);
  });

  it('silent: the sub-app complete before the mount; a sub-app of another module', () => {
    expect(one(`${head}api.get('/books', (c) => c.json([]));\napp.route('/api', api);\n`)).toEqual([]);
    const sub = { path: '/virtual/api.ts', text: `import { Hono } from 'hono';\nconst api = new Hono();\napi.get('/users', (c) => c.json([]));\nexport default api;\n` };
    const main = { path: '/virtual/app.ts', text: `import { Hono } from 'hono';\nimport api from './api';\nconst app = new Hono();\napp.route('/api', api);\napp.get('/', (c) => c.text('home'));\nexport default app;\n` };
    expect(orderReports([sub, main])).toEqual([]);
  });
});

const NEST = `import { Injectable, MiddlewareConsumer, Module, NestMiddleware, NestModule, RequestMethod } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';

@Injectable()
export class AuthMiddleware implements NestMiddleware {
  use(req: any, res: Response, next: NextFunction) {
    req.user = { id: req.header('x-user') };
    next();
  }
}

@Injectable()
export class AuditMiddleware implements NestMiddleware {
  use(req: any, res: Response, next: NextFunction) {
    console.log(req.user.id);
    next();
  }
}

@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
`;
const nest = (body: string) => `${NEST}${body}  }\n}\n`;

describe('NestJS: consumer.apply(...).forRoutes(...) in configure', () => {
  it('one stack per configure method, in order, with the forRoutes path and method', () => {
    expect(
      stacksOf(
        nest(
          "    consumer.apply(AuditMiddleware, AuthMiddleware).forRoutes('cats');\n    consumer.apply(AuthMiddleware).forRoutes({ path: 'dogs', method: RequestMethod.POST });\n    consumer.apply(AuthMiddleware).exclude('cats/x').forRoutes('cats');\n    consumer.apply(AuthMiddleware).forRoutes(CatsController);\n    consumer.apply(AuthMiddleware).forRoutes({ path: 'all', method: RequestMethod.ALL });\n",
        ),
      ),
    ).toEqual({
      'nest parameter AppModule.configure#0': [
        'apply "cats" [reference:AuditMiddleware, reference:AuthMiddleware] stmt',
        'apply "dogs" POST [reference:AuthMiddleware] stmt',
        'apply null [reference:AuthMiddleware] stmt',
        'apply null [reference:AuthMiddleware] stmt',
        'apply "all" [reference:AuthMiddleware] stmt',
      ],
    });
  });

  it('a class middleware reading req.user applied above the one that sets it: reported with a fix', () => {
    const text = nest("    consumer.apply(AuditMiddleware).forRoutes('cats');\n    consumer.apply(AuthMiddleware).forRoutes('*');\n");
    expect(one(text)).toEqual([
      'app.ts@23 registeredBeforeProvider: `AuditMiddleware` reads `req.user` before calling `next()`, which `AuthMiddleware` sets, but is registered above it (line 23 vs line 24). Register `AuthMiddleware` above `AuditMiddleware`.',
    ]);
    expect(fixed(text)).toContain("    consumer.apply(AuthMiddleware).forRoutes('*');\n    consumer.apply(AuditMiddleware).forRoutes('cats');\n");
  });

  it('silent: in order, other methods, a controller, exclusions, another path', () => {
    expect(one(nest("    consumer.apply(AuthMiddleware).forRoutes('*');\n    consumer.apply(AuditMiddleware).forRoutes('cats');\n"))).toEqual([]);
    expect(one(nest("    consumer.apply(AuditMiddleware).forRoutes({ path: 'cats', method: RequestMethod.GET });\n    consumer.apply(AuthMiddleware).forRoutes({ path: 'cats', method: RequestMethod.POST });\n"))).toEqual([]);
    expect(one(nest("    consumer.apply(AuditMiddleware).forRoutes(CatsController);\n    consumer.apply(AuthMiddleware).forRoutes('*');\n"))).toEqual([]);
    expect(one(nest("    consumer.apply(AuditMiddleware).forRoutes('cats');\n    consumer.apply(AuthMiddleware).exclude('cats/public').forRoutes('*');\n"))).toEqual([]);
    expect(one(nest("    consumer.apply(AuditMiddleware).forRoutes('cats');\n    consumer.apply(AuthMiddleware).forRoutes('dogs');\n"))).toEqual([]);
  });
});
