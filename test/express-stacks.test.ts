import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint } from '../src/engine.js';
import { applyFixes } from '../src/fix.js';
import { factsOf, reportsOf } from './helpers.js';

/*
 * Issue 12: an Express app's registrations are a stack. The front-end records them per app and
 * router in program order (paths, conditions, unknown positions, mounts, configure(app) includes);
 * the link step flattens them under their mount paths; the stack rules judge them.
 */

/** The registrations of a file, one line each: `app: use /api [call:session]`. */
function registrations(text: string, path = '/virtual/app.ts'): string[] {
  return (factsOf(text, path).appStacks ?? []).flatMap((s) =>
    s.registrations.map((r) => {
      const where = r.path === undefined ? '' : r.path === null ? ' ?' : ` ${r.path}`;
      const layers = r.layers.map((l) => `${l.kind}:${l.value}${l.receiver ? '@' + l.receiver : ''}${l.reads ? `(reads ${l.reads.join(',')})` : ''}`).join(', ');
      const place = `${r.condition ? ` if#${r.condition.id}.${r.condition.branch}` : ''}${r.positionUnknown ? ' unknown' : ''}`;
      return `${s.name}(${s.role}): ${r.method}${where} [${layers}]${place}`;
    }),
  );
}

const HEAD = "import express from 'express';\nimport session from 'express-session';\nimport passport from 'passport';\nconst app = express();\n";

describe('Express registrations become a stack (front-end facts)', () => {
  it('records use, routes, paths, chains and app.route(path) in program order', () => {
    const text = `${HEAD}app.use(session({ secret: 's' })).use(passport.session());\napp.get('/me', (req, res) => res.json(req.user));\napp.route('/books').get((req, res) => res.send('list')).post((req, res) => res.send(req.body.title));\n`;
    expect(registrations(text)).toEqual([
      'app(app): use [call:session]',
      'app(app): use [call:passport.session]',
      'app(app): get /me [function:(reads user)]',
      'app(app): get /books [function:]',
      'app(app): post /books [function:(reads body)]',
    ]);
  });

  it('records conditional registrations as alternatives and loops as unknown positions', () => {
    const text = `${HEAD}if (process.env.NODE_ENV === 'production') app.use(express.static('dist'));\nelse app.use(express.json());\nfor (const mw of extra) app.use(mw);\n`;
    expect(registrations(text)).toEqual(['app(app): use [call:express.static] if#1.0', 'app(app): use [call:express.json] if#1.1', 'app(app): use [reference:mw] unknown']);
  });

  it('records routers mounted on paths and functions that receive the app', () => {
    const text = `${HEAD}const api = express.Router();\napi.get('/items', (req, res) => res.json([]));\napp.use('/api', api);\nconfigure(app);\nfunction configure(target) {\n  target.use(express.json());\n}\n`;
    expect(registrations(text)).toEqual([
      'app(app): use /api [reference:api@api]',
      'app(app): include [reference:configure]',
      'api(router): get /items [function:]',
      'configure#0(parameter): use [call:express.json]',
    ]);
  });

  it('a registration in a callback has no known position', () => {
    const text = `${HEAD}setTimeout(() => app.use(session({})), 10);\napp.use(passport.session());\n`;
    expect(registrations(text)).toEqual(['app(app): use [call:session] unknown', 'app(app): use [call:passport.session]']);
  });
});

describe('middleware-order on Express stacks', () => {
  it('passport.session() above express-session: reported at passport.session(), fixed by moving the session statement up', () => {
    const text = `${HEAD}app.use(passport.session());\napp.use(session({ secret: 's' }));\nexport default app;\n`;
    const [result] = lint([{ path: '/virtual/app.ts', text }], { config: defaultConfig() });
    const [d] = result!.diagnostics;
    expect(result!.diagnostics).toHaveLength(1);
    expect(d!.ruleId).toBe('onion/middleware-order');
    expect(text.slice(d!.range.start, d!.range.end)).toBe('passport.session()');
    expect(d!.message).toContain('Login sessions require session support');
    expect(applyFixes(text, [d!.fix!]).output).toBe(`${HEAD}app.use(session({ secret: 's' }));\napp.use(passport.session());\nexport default app;\n`);
  });

  it('statements that are not adjacent get a suggestion, not a fix', () => {
    const text = `${HEAD}app.use(passport.session());\napp.get('/', (req, res) => res.send('hi'));\napp.use(session({ secret: 's' }));\n`;
    const [result] = lint([{ path: '/virtual/app.ts', text }], { config: defaultConfig() });
    const [d] = result!.diagnostics;
    expect(d!.fix).toBeUndefined();
    expect(d!.suggestions).toHaveLength(1);
  });

  it('the correct order, a session on another path, and alternative configurations stay silent', () => {
    expect(reportsOf(`${HEAD}app.use(session({ secret: 's' }));\napp.use(passport.session());\n`)).toEqual([]);
    // The session below is on /admin only: the order is not what fails /api (required-middleware's business).
    expect(reportsOf(`${HEAD}app.use('/api', passport.session());\napp.use('/admin', session({ secret: 's' }));\n`)).toEqual([]);
    expect(reportsOf(`${HEAD}if (a) app.use(passport.session());\nelse app.use(session({ secret: 's' }));\n`)).toEqual([]);
  });

  it('a position that cannot be proven orders nothing after it', () => {
    expect(reportsOf(`${HEAD}for (const m of list) app.use(m);\napp.use(passport.session());\napp.use(session({ secret: 's' }));\n`)).toEqual([]);
    expect(reportsOf(`${HEAD}setup(app);\napp.use(passport.session());\napp.use(session({ secret: 's' }));\n`)).toEqual([]);
  });

  it('a project middleware reading req.user above the project middleware that sets it', () => {
    const text = `${HEAD}app.use((req, res, next) => {\n  if (!req.user) return res.sendStatus(401);\n  next();\n});\napp.use((req, res, next) => {\n  req.user = { id: 1 };\n  next();\n});\n`;
    expect(reportsOf(text)).toEqual(['middleware-order@5']);
  });

  it('a configure function registering passport.session() is judged where it is called', () => {
    const text = `${HEAD}configure(app);\napp.use(session({ secret: 's' }));\nfunction configure(a) {\n  a.use(passport.session());\n}\n`;
    expect(reportsOf(text)).toEqual(['middleware-order@8']);
    const fine = `${HEAD}app.use(session({ secret: 's' }));\nconfigure(app);\nfunction configure(a) {\n  a.use(passport.session());\n}\n`;
    expect(reportsOf(fine)).toEqual([]);
  });

  it('a router mounted on a path is ordered at its mount', () => {
    const text = `${HEAD}const auth = express.Router();\nauth.use(passport.session());\napp.use('/auth', auth);\napp.use(session({ secret: 's' }));\n`;
    expect(reportsOf(text)).toEqual(['middleware-order@6']);
    const fine = `${HEAD}const auth = express.Router();\nauth.use(passport.session());\napp.use(session({ secret: 's' }));\napp.use('/auth', auth);\n`;
    expect(reportsOf(fine)).toEqual([]);
  });
});

describe('no-duplicate-middleware on Express stacks', () => {
  it('the same factory with the same literal options on the same path, twice', () => {
    const text = `${HEAD}app.use(session({ secret: 's' }));\napp.use(session({ secret: 's' }));\n`;
    const [result] = lint([{ path: '/virtual/app.ts', text }], { config: defaultConfig() });
    expect(result!.diagnostics.map((d) => d.ruleId)).toEqual(['onion/no-duplicate-middleware']);
    expect(applyFixes(text, [result!.diagnostics[0]!.fix!]).output).toBe(`${HEAD}app.use(session({ secret: 's' }));\n`);
  });

  it('different options, different paths, alternatives and options that cannot be read are no duplicates', () => {
    expect(reportsOf(`${HEAD}app.use(session({ secret: 's' }));\napp.use(session({ secret: 't' }));\n`)).toEqual([]);
    expect(reportsOf(`${HEAD}app.use('/a', express.json());\napp.use('/b', express.json());\n`)).toEqual([]);
    expect(reportsOf(`${HEAD}if (x) app.use(express.json());\nelse app.use(express.json());\n`)).toEqual([]);
    expect(reportsOf(`${HEAD}app.use(session(options));\napp.use(session(options));\n`)).toEqual([]);
  });
});

describe('stack recovery details (issue 12 review)', () => {
  it('Hono: registrations on app.basePath(...) are the app\'s own, under the prefix', () => {
    const text = "import { Hono } from 'hono';\nconst app = new Hono();\nconst api = app.basePath('/api');\napi.use('*', async (c, next) => { await next(); });\napi.get('/books', (c) => c.json([]));\nexport default app;\n";
    expect(registrations(text)).toEqual(['app(app): use /api/* [function:]', 'app(app): get /api/books [function:]']);
  });

  it('koa-session\'s session(opts, app) inside app.use(...) hands the app to no configure function', () => {
    const text = "const Koa = require('koa');\nconst session = require('koa-session');\nconst app = new Koa();\napp.use(session({ maxAge: 1000 }, app));\napp.use(async (ctx) => { ctx.body = 'ok'; });\n";
    expect(registrations(text, '/virtual/app.js')).toEqual(['app(app): use [call:session]', 'app(app): use [function:]']);
  });

  it('a route on / answers the root only: it covers no other route', () => {
    // The handler on / reads nothing; the one on /me reads req.user, which nothing above /me sets.
    const text = `${HEAD}app.get('/', (req, res) => res.send('home'));\napp.get('/me', (req, res) => res.json(req.user));\napp.use(passport.session());\napp.use(session({ secret: 's' }));\n`;
    // /me reads req.user above passport.session() (which sets it), and passport.session() is above session().
    expect(reportsOf(text)).toEqual(['middleware-order@6', 'middleware-order@7']);
  });

  it('a middleware in a module that never imports Express is the unit its registration makes of it', () => {
    const files = [
      { path: '/virtual/proj/auth.js', text: 'export function loadUser(req, res, next) {\n  req.user = { id: 1 };\n  next();\n}\n' },
      { path: '/virtual/proj/app.js', text: "import express from 'express';\nimport { loadUser } from './auth.js';\nconst app = express();\napp.get('/me', (req, res) => res.json(req.user));\napp.use(loadUser);\nexport default app;\n" },
    ];
    const results = lint(files, { config: defaultConfig() });
    expect(results.flatMap((r) => r.diagnostics.map((d) => `${r.filePath.slice(r.filePath.lastIndexOf('/') + 1)}:${d.ruleId}`))).toEqual(['app.js:onion/middleware-order']);
  });
});

describe('a configure function whose parameter has the app variable\'s name', () => {
  it('is the app it is called with: its registrations take the call\'s place', () => {
    const text = `${HEAD}configure(app);\napp.use(session({ secret: 's' }));\nfunction configure(app) {\n  app.use(passport.session());\n}\nexport default app;\n`;
    expect(registrations(text)).toEqual(['app(app): include [reference:configure]', 'app(app): use [call:session]', 'configure#0(parameter): use [call:passport.session]']);
    expect(reportsOf(text)).toEqual(['middleware-order@8']);
  });

  it('a function also called with something else, or passed around, is no such function: nothing is guessed', () => {
    const other = `${HEAD}configure(app);\nconfigure(other);\napp.use(session({ secret: 's' }));\nfunction configure(app) {\n  app.use(passport.session());\n}\n`;
    expect(reportsOf(other)).toEqual([]);
    const passed = `${HEAD}configure(app);\nsetup(configure);\napp.use(session({ secret: 's' }));\nfunction configure(app) {\n  app.use(passport.session());\n}\n`;
    expect(reportsOf(passed)).toEqual([]);
  });
});
