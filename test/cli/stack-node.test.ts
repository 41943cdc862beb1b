/**
 * `onionlint stack` on a Node app (issue 12): the stack the framework runs, drawn as a line
 * (Express: the first layer that answers ends the walk) or an onion (Koa, Hono), with path
 * filters, mounted routers indented under their mount, conditional registrations, unknown
 * positions and the problems the rules report on each layer; `--format json` gives the same data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNodePicture, type NodeAppPicture } from '../../src/cli/stack-view.js';
import { defaultConfig } from '../../src/config.js';
import { lintProject } from '../../src/engine.js';
import type { Diagnostic } from '../../src/model.js';
import { diskHost } from '../helpers.js';
import { project, run } from './run.js';

const EXPRESS_APP = {
  'package.json': JSON.stringify({ name: 'accounts', type: 'module', dependencies: { express: '^4.19.2', 'express-session': '^1.18.0', passport: '^0.7.0', morgan: '^1.10.0', helmet: '^7.1.0', 'metrics-kit': '^2.0.0' } }),
  'src/app.js': `import express from 'express';
import session from 'express-session';
import passport from 'passport';
import morgan from 'morgan';
import helmet from 'helmet';
import { attachMetrics } from 'metrics-kit';
import api from './routes/api.js';
import { audit } from './middleware/audit.js';

const app = express();

app.use(express.json());
if (process.env.NODE_ENV !== 'production') {
  app.use(morgan('dev'));
}
app.use(passport.initialize());
app.use(passport.session());
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));

configureSecurity(app);

app.use('/api', api);

app.get('/health', (req, res) => {
  res.json({ ok: true });
});
app.use(audit);

attachMetrics(app);

app.use((err, req, res, next) => {
  res.status(err.status ?? 500).json({ error: 'Internal Server Error' });
});

function configureSecurity(server) {
  server.use(helmet());
}

export default app;
`,
  'src/middleware/audit.ts': `import type { NextFunction, Request, Response } from 'express';

export function audit(req: Request, res: Response, next: NextFunction) {
  if (req.get('X-Probe') === '1') {
    next();
  }
  console.info('audit', req.method, req.originalUrl);
  next();
}
`,
  'src/routes/api.js': `import { Router } from 'express';

const router = Router();

router.use((req, res, next) => {
  req.startedAt = Date.now();
  next();
});

router.get('/orders/:id', (req, res) => {
  res.json({ id: req.params.id, user: req.user });
});

export default router;
`,
};

/** The output lines that contain `text`, for assertions on one line of the picture. */
const lineWith = (out: string, text: string) => out.split('\n').find((l) => l.includes(text));

describe('onionlint stack on an Express app', () => {
  it('draws the line: filters, the mounted router under its mount, the include, the conditional and unknown positions, the problem on its layer', async () => {
    const root = project(EXPRESS_APP);
    const r = await run(['stack', 'src/app.js'], root);
    expect(r.stderr).toBe('');
    // The order problem middleware-order reports is shown: the exit code says so.
    expect(r.code).toBe(1);
    const out = r.stdout;
    expect(out.split('\n')[0]).toBe('app  src/app.js:10  Express line, 11 layers, order partly unknown');
    expect(out).toContain('     request ↓\n');
    expect(out).not.toContain('↑ response');
    expect(lineWith(out, 'express.json()')).toMatch(/^ {3}1 │ use +express\.json\(\) +external \(express\)$/);
    expect(lineWith(out, 'morgan')).toMatch(/^ {3}2 │ use +morgan\(\) +external \(morgan\) +\(in some configurations\)$/);
    expect(lineWith(out, 'passport.session()  ')).toMatch(/^ {3}4 │ use +passport\.session\(\) +external \(passport\)$/);
    // What each layer sets and needs, under it; the problem on the layer that has it.
    const lines = out.split('\n');
    const sessionLine = lines.findIndex((l) => l.includes('passport.session()  '));
    expect(lines[sessionLine + 1]).toBe('     │   sets req.user · needs req.session');
    expect(lines[sessionLine + 2]).toMatch(/^ {5}│ {3}✖ `passport\.session\(\)` reads `req\.session`, which `session\(\)` sets, but is registered above it .* onion\/middleware-order$/);
    expect(lineWith(out, 'external (express-session)')).toMatch(/^ {3}5 │ use +session\(\) +external \(express-session\)$/);
    // configureSecurity(app): its registrations in place, indented under the call.
    expect(out).toContain('     │ ┌ configureSecurity(…) (src/app.js), called at src/app.js:20: its registrations in place\n   6 │ │ use');
    expect(lineWith(out, 'helmet')).toMatch(/^ {3}6 │ │ use +helmet\(\) +external \(helmet\)$/);
    // The router's layers under its mount, with the path after the mount and the file they come from.
    expect(out).toContain('     │ ┌ router (src/routes/api.js) on /api, mounted at src/app.js:22\n');
    expect(lineWith(out, 'GET /api/orders/:id')).toMatch(/^ {3}8 │ │ GET \/api\/orders\/:id +\(handler\) +src\/routes\/api\.js:10$/);
    expect(lineWith(out, 'src/routes/api.js:5')).toMatch(/^ {3}7 │ │ use \/api +\(inline\) +src\/routes\/api\.js:5$/);
    expect(lines[lines.findIndex((l) => l.includes('src/routes/api.js:5')) + 1]).toBe('     │ │   sets req.startedAt');
    expect(lineWith(out, 'audit  ')).toMatch(/^ {2}10 │ use +audit +src\/middleware\/audit\.ts:3$/);
    expect(lines[lines.findIndex((l) => l.includes('audit  ')) + 1]).toMatch(/^ {5}│ {3}✖ Express middleware `audit` can call `next\(\)` here after `next\(\)` .* onion\/no-double-next$/);
    expect(lineWith(out, 'GET /health')).toMatch(/^ {3}9 │ GET \/health +\(handler\) +src\/app\.js:24$/);
    // A package function takes the app: what it registers is unknown, and nothing below it is ordered.
    expect(lineWith(out, 'attachMetrics')).toBe(
      '   ? │ attachMetrics(…) at src/app.js:29 — a function the linter cannot follow takes the app: what it registers is unknown, and nothing below is ordered',
    );
    expect(lineWith(out, '(error handler')).toMatch(/^ {3}\? │ use +\(inline\) +src\/app\.js:31 +\(error handler, position unknown\)$/);
    expect(out).toContain('when none answers, Express sends 404');
    // Not a TTY: no colour.
    expect(out).not.toMatch(/\x1b\[/);
  });

  it('gives the same as data with --format json', async () => {
    const root = project(EXPRESS_APP);
    const r = await run(['stack', 'src/app.js', '--format', 'json'], root);
    expect(r.code).toBe(1);
    const p = JSON.parse(r.stdout) as NodeAppPicture;
    expect({ app: p.app, framework: p.framework, model: p.model, file: p.file, line: p.line, partial: p.partial, problems: p.problems }).toEqual({
      app: 'app',
      framework: 'express',
      model: 'line',
      file: 'src/app.js',
      line: 10,
      partial: true,
      problems: [],
    });
    expect(p.layers.map((l) => [l.index, l.method, l.path, l.label, l.kind, l.conditional, l.positionUnknown, l.mounts.map((m) => `${m.kind} ${m.name} ${m.file} ${m.at.file}:${m.at.line} ${m.path}`)])).toEqual([
      [1, 'use', '', 'express.json()', 'middleware', false, false, []],
      [2, 'use', '', 'morgan()', 'middleware', true, false, []],
      [3, 'use', '', 'passport.initialize()', 'middleware', false, false, []],
      [4, 'use', '', 'passport.session()', 'middleware', false, false, []],
      [5, 'use', '', 'session()', 'middleware', false, false, []],
      [6, 'use', '', 'helmet()', 'middleware', false, false, ['include configureSecurity src/app.js src/app.js:20 ']],
      [7, 'use', '/api', '(inline)', 'middleware', false, false, ['mount router src/routes/api.js src/app.js:22 /api']],
      [8, 'GET', '/api/orders/:id', '(handler)', 'route', false, false, ['mount router src/routes/api.js src/app.js:22 /api']],
      [9, 'GET', '/health', '(handler)', 'route', false, false, []],
      [10, 'use', '', 'audit', 'middleware', false, false, []],
      [11, 'use', '', '(inline)', 'error', false, true, []],
    ]);
    const session = p.layers[3]!;
    expect(session.origin).toEqual({ kind: 'external', source: 'passport' });
    expect(session.sets).toEqual(['user']);
    expect(session.needs).toEqual(['session']);
    expect(session.problems).toEqual([expect.objectContaining({ ruleId: 'onion/middleware-order', severity: 'error' })]);
    expect(p.layers[6]!.origin).toEqual({ kind: 'project', file: 'src/routes/api.js', line: 5 });
    expect(p.layers.filter((l) => l.problems.length > 0).map((l) => l.index)).toEqual([4, 10]);
    // The problem the rules report inside a project middleware is a problem of its layer.
    expect(p.layers[9]!.origin).toEqual({ kind: 'project', file: 'src/middleware/audit.ts', line: 3 });
    expect(p.layers[9]!.problems).toEqual([expect.objectContaining({ ruleId: 'onion/no-double-next', severity: 'error' })]);
    expect(p.gaps).toEqual([{ call: 'attachMetrics(…)', file: 'src/app.js', line: 29, after: 10, mounts: [] }]);
  });

  it('colours the picture on a terminal, as the Django picture does, and not with --no-color or NO_COLOR', async () => {
    const root = project(EXPRESS_APP);
    const tty = (await run(['stack', 'src/app.js'], root, { tty: true })).stdout;
    expect(tty).toMatch(/\x1b\[31mpassport\.session\(\)/);
    expect(tty).toContain('┌ \x1b[36mrouter (src/routes/api.js) on /api, mounted at src/app.js:22\x1b[39m');
    expect(tty).toMatch(/\x1b\[33m\?\x1b\[39m │ \x1b\[33mattachMetrics\(…\) at src\/app\.js:29/);
    expect((await run(['stack', 'src/app.js', '--no-color'], root, { tty: true })).stdout).not.toMatch(/\x1b\[/);
    expect((await run(['stack', 'src/app.js'], root, { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\x1b\[/);
  });

  it('exits 0 when the stack is in order, and draws a router module on its own', async () => {
    const root = project({
      ...EXPRESS_APP,
      'src/app.js': `import express from 'express';
import session from 'express-session';
import passport from 'passport';

const app = express();
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.get('/', (req, res) => res.send('hello'));

export default app;
`,
    });
    const r = await run(['stack', 'src/app.js', '--format', 'json'], root);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as NodeAppPicture;
    expect(p.layers.map((l) => `${l.method} ${l.label}`)).toEqual(['use session()', 'use passport.initialize()', 'use passport.session()', 'GET (handler)']);
    expect(p.partial).toBe(false);
    const router = await run(['stack', 'src/routes/api.js'], root);
    expect(router.code).toBe(0);
    expect(router.stdout.split('\n')[0]).toBe('router  src/routes/api.js:3  Express line, 2 layers');
    expect(lineWith(router.stdout, 'GET /orders/:id')).toMatch(/^ {3}2 │ GET \/orders\/:id +\(handler\) +src\/routes\/api\.js:10$/);
  });
});

describe('onionlint stack on the other linear frameworks', () => {
  it('draws a Connect app and a NestJS bootstrap as lines, each with its own last step', async () => {
    const root = project({
      'src/server.js': `import connect from 'connect';
import compression from 'compression';

const app = connect();
app.use(compression());
app.use('/static', function cacheHeaders(req, res, next) {
  res.setHeader('Cache-Control', 'public, max-age=3600');
  next();
});
app.use((req, res) => {
  res.end('hello');
});

export default app;
`,
      'src/main.ts': `import { NestFactory } from '@nestjs/core';
import session from 'express-session';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));
  await app.listen(3000);
}
bootstrap();
`,
    });
    const connectApp = await run(['stack', 'src/server.js'], root);
    expect(connectApp.code).toBe(0);
    expect(connectApp.stdout.split('\n')[0]).toBe('app  src/server.js:4  Connect line, 3 layers');
    expect(lineWith(connectApp.stdout, 'cacheHeaders')).toMatch(/^ {3}2 │ use \/static +cacheHeaders +src\/server\.js:6$/);
    expect(connectApp.stdout).toContain('when none answers, Connect sends 404');
    const nest = await run(['stack', 'src/main.ts'], root);
    expect(nest.code).toBe(0);
    expect(nest.stdout.split('\n')[0]).toBe('app  src/main.ts:6  NestJS line, 1 layer');
    expect(lineWith(nest.stdout, 'session()')).toMatch(/^ {3}1 │ use +session\(\) +external \(express-session\)$/);
    expect(nest.stdout).toContain("then the controller's route handler answers");
  });
});

describe('the problems of a Node picture', () => {
  it('puts a problem reported at a registration on its first layer, and one reported at the app on the app', () => {
    const root = project({
      'src/app.js': `import express from 'express';
import cookieParser from 'cookie-parser';

const app = express();
app.use('/api', cookieParser(), express.json());
app.get('/', (req, res) => res.send('ok'));
`,
    });
    const path = join(root, 'src/app.js');
    const text = readFileSync(path, 'utf8');
    const { model } = lintProject([{ path, text }], { config: defaultConfig(), host: diskHost });
    const stack = model.stackContexts.find((c) => c.filePath === path)!.stack;
    const at = (needle: string, message: string, length = needle.length): Diagnostic => ({ ruleId: 'onion/test', severity: 2, message, filePath: path, range: { start: text.indexOf(needle), end: text.indexOf(needle) + length } });
    const picture = buildNodePicture(stack, [at("app.use('/api'", 'at the registration'), at('express.json', 'at the layer'), at('app = ', 'at the app', 3)], (f) => (f === path ? text : undefined), root);
    expect(picture.layers.map((l) => [l.label, l.problems.map((x) => x.message)])).toEqual([
      ['cookieParser()', ['at the registration']],
      ['express.json()', ['at the layer']],
      ['(handler)', []],
    ]);
    expect(picture.problems.map((x) => x.message)).toEqual(['at the app']);
  });
});

describe('onionlint stack on onion frameworks', () => {
  it('draws a Koa app as an onion, with the router mounted by router.routes()', async () => {
    const root = project({
      'package.json': JSON.stringify({ name: 'orders', type: 'module', dependencies: { koa: '^2.15.3', '@koa/router': '^12.0.1', 'koa-bodyparser': '^4.4.1' } }),
      'src/app.js': `import Koa from 'koa';
import Router from '@koa/router';
import bodyParser from 'koa-bodyparser';

const app = new Koa();
const router = new Router();

async function errors(ctx, next) {
  try {
    await next();
  } catch (err) {
    ctx.status = err.status ?? 500;
    ctx.body = { error: 'failed' };
  }
}

async function validate(ctx, next) {
  if (!ctx.request.body) ctx.throw(400);
  await next();
}

router.get('/orders/:id', async (ctx) => {
  ctx.body = { id: ctx.params.id };
});
router.post('/orders', validate, async (ctx) => {
  ctx.status = 201;
});

app.use(errors);
app.use(bodyParser());
app.use(router.routes()).use(router.allowedMethods());

export default app;
`,
    });
    const r = await run(['stack', 'src/app.js'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out.split('\n')[0]).toBe('app  src/app.js:5  Koa onion, 6 layers');
    expect(out).toMatch(/^ {5}request ↓ +↑ response$/m);
    expect(lineWith(out, 'errors')).toMatch(/^ {3}1 │ use +errors +src\/app\.js:8$/);
    expect(lineWith(out, 'bodyParser()')).toMatch(/^ {3}2 │ use +bodyParser\(\) +external \(koa-bodyparser\)$/);
    expect(out).toContain('     │ ┌ router (src/app.js) on every path, mounted at src/app.js:31\n');
    expect(lineWith(out, 'validate')).toMatch(/^ {3}4 │ │ POST \/orders +validate +src\/app\.js:17$/);
    expect(lineWith(out, 'allowedMethods')).toMatch(/^ {3}6 │ use +router\.allowedMethods\(\)/);
    expect(out).toContain('each layer runs down to `await next()`, the layers below it run, then it resumes on the way back up (1 → 6, then 6 → 1)');
    const json = JSON.parse((await run(['stack', 'src/app.js', '-f', 'json'], root)).stdout) as NodeAppPicture;
    expect(json.model).toBe('onion');
    expect(json.layers.map((l) => `${l.method} ${l.path} ${l.label} ${l.mounts.length}`)).toEqual([
      'use  errors 0',
      'use  bodyParser() 0',
      'GET /orders/:id (handler) 1',
      'POST /orders validate 1',
      'POST /orders (handler) 1',
      'use  router.allowedMethods() 0',
    ]);
  });

  it("draws a Hono app as an onion, with a sub-app's layers under app.route('/api', api)", async () => {
    const root = project({
      'package.json': JSON.stringify({ name: 'catalogue', type: 'module', dependencies: { hono: '^4.6.0' } }),
      'src/index.ts': `import { Hono } from 'hono';
import { logger } from 'hono/logger';
import api from './api';

const app = new Hono();

app.use('*', logger());
app.route('/api', api);
app.get('/', (c) => c.text('catalogue'));

export default app;
`,
      'src/api.ts': `import { Hono } from 'hono';

const api = new Hono();

api.use('*', async (c, next) => {
  const started = Date.now();
  await next();
  c.header('X-Response-Time', String(Date.now() - started));
});
api.get('/books/:id', (c) => c.json({ id: c.req.param('id') }));

export default api;
`,
    });
    const r = await run(['stack', 'src/index.ts', '-f', 'json'], root);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as NodeAppPicture;
    expect({ framework: p.framework, model: p.model, partial: p.partial }).toEqual({ framework: 'hono', model: 'onion', partial: false });
    expect(p.layers.map((l) => [l.method, l.path, l.label, l.origin.file ?? l.origin.source, l.mounts.map((m) => `${m.name} ${m.path} ${m.at.file}:${m.at.line}`)])).toEqual([
      ['use', '', 'logger()', 'hono/logger', []],
      ['use', '/api', '(inline)', 'src/api.ts', ['api /api src/index.ts:8']],
      ['GET', '/api/books/:id', '(handler)', 'src/api.ts', ['api /api src/index.ts:8']],
      ['GET', '/', '(handler)', 'src/index.ts', []],
    ]);
    const text = await run(['stack', 'src/index.ts'], root);
    expect(text.stdout.split('\n')[0]).toBe('app  src/index.ts:5  Hono onion, 4 layers');
    expect(text.stdout).toContain('     │ ┌ api (src/api.ts) on /api, mounted at src/index.ts:8\n');
    expect(lineWith(text.stdout, 'GET /api/books/:id')).toMatch(/^ {3}3 │ │ GET \/api\/books\/:id +\(handler\) +src\/api\.ts:10$/);
    expect(lineWith(text.stdout, 'src/index.ts:9')).toMatch(/^ {3}4 │ GET \/ +\(handler\) +src\/index\.ts:9$/);
  });
});

describe('onionlint stack on a file that declares no stack', () => {
  it('exits 2 with a message naming both kinds of stack', async () => {
    const root = project({
      'src/util.js': `export function slugify(text) {
  return text.toLowerCase().replace(/\\s+/g, '-');
}
`,
    });
    const r = await run(['stack', 'src/util.js'], root);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'onionlint: "src/util.js" declares no MIDDLEWARE list and no Node app or router (`express()`, `express.Router()`, `new Koa()`, `new Router()`, `new Hono()`, ...) with registrations: give the settings module or the file that builds the app.\n',
    );
  });
});
