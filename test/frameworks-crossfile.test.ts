/**
 * Framework detection across files (issue 11): a middleware defined in one module and registered
 * in another is judged under the framework of the registration (src/link/frameworks.ts), whether
 * the run is given both files, the middleware module alone (ESLint, staged files), or the whole
 * project with the pre-filter on. Nothing without a registration is judged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint, lintProject, type LintHost } from '../src/engine.js';
import plugin from '../src/eslint/plugin.js';
import { project, run } from './cli/run.js';
import { diskHost as readOnlyDiskHost } from './helpers.js';

const host: LintHost = { ...readOnlyDiskHost, listDirectory: (dir) => readdirSync(dir) };
const config = defaultConfig();

/** `rule@file:line` for every report of a run over the given files of a project (all of them by default). */
function reportsOf(root: string, files: string[]): string[] {
  const inputs = files.map((f) => ({ path: join(root, f), text: readFileSync(join(root, f), 'utf8') }));
  return lint(inputs, { config, host }).flatMap((r) =>
    r.diagnostics.map((d) => `${d.ruleId?.replace('onion/', '') ?? 'fatal'}@${r.filePath.slice(root.length + 1)}:${r.text.slice(0, d.range.start).split('\n').length}`),
  );
}

/** The function units of a run: name, file, framework and contract. */
function unitsOf(root: string, files: string[]) {
  const inputs = files.map((f) => ({ path: join(root, f), text: readFileSync(join(root, f), 'utf8') }));
  return lintProject(inputs, { config, host })
    .model.units.filter((u) => u.unit.kind === 'function' && u.confirmed)
    .map((u) => ({ name: u.unit.name, file: u.filePath.slice(root.length + 1), framework: u.unit.framework, contract: u.unit.contract }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Checks a project both ways: every file given, and each middleware module alone (the registering
 * file found around it), which gets the reports of that module.
 */
function expectReports(files: Record<string, string>, middleware: string, expected: string[]) {
  const root = project(files);
  expect(reportsOf(root, Object.keys(files).filter((f) => /\.[cm]?[jt]s$/.test(f))).sort()).toEqual([...expected].sort());
  const alone = [...new Set([middleware, ...expected.map((e) => e.slice(e.indexOf('@') + 1, e.lastIndexOf(':')))])];
  for (const file of alone) expect(reportsOf(root, [file]).sort(), file).toEqual(expected.filter((e) => e.includes(`@${file}:`)).sort());
}

const KOA_APP = (imp: string, use: string) => `${imp}\nimport Koa from 'koa';\n\nconst app = new Koa();\napp.use(${use});\napp.listen(3000);\n`;
/** `next()` dropped on line 3. */
const DROPS = `async (ctx, next) => {\n  ctx.set('X-Start', String(Date.now()));\n  next();\n}`;
const PKG = JSON.stringify({ name: 'app', private: true, type: 'module' });

describe('a Koa middleware registered in another module', () => {
  it('a named export of a function declaration', () => {
    expectReports(
      { 'package.json': PKG, 'auth.js': `export async function auth(ctx, next) {\n  ctx.state.user = ctx.get('X-User');\n  next();\n}\n`, 'app.js': KOA_APP("import { auth } from './auth.js';", 'auth') },
      'auth.js',
      ['await-next@auth.js:3'],
    );
  });

  it('a default export (anonymous, a const arrow) and a renamed import', () => {
    expectReports({ 'package.json': PKG, 'timing.js': `export default ${DROPS};\n`, 'app.js': KOA_APP("import timing from './timing.js';", 'timing') }, 'timing.js', ['await-next@timing.js:3']);
    expectReports(
      { 'package.json': PKG, 'timing.js': `export const timing = ${DROPS};\n`, 'app.js': KOA_APP("import { timing as t } from './timing.js';", 't') },
      'timing.js',
      ['await-next@timing.js:3'],
    );
  });

  it('what an exported factory returns, registered as `app.use(logger())`; not registered uncalled', () => {
    const logger = `export function logger(prefix) {\n  return async (ctx, next) => {\n    await next;\n    console.log(prefix, ctx.status);\n  };\n}\n`;
    expectReports({ 'package.json': PKG, 'logger.js': logger, 'app.js': KOA_APP("import { logger } from './logger.js';", "logger('[app]')") }, 'logger.js', ['call-next@logger.js:3']);
    // `app.use(logger)` registers the factory itself, whose second parameter is no next layer: unjudged.
    expectReports({ 'package.json': PKG, 'logger.js': logger, 'app.js': KOA_APP("import { logger } from './logger.js';", 'logger') }, 'logger.js', []);
  });

  it('through an index module that re-exports it, and through a namespace import', () => {
    const files = {
      'package.json': PKG,
      'middleware/auth.ts': `import type { Ctx } from '../types';\nexport async function auth(ctx: Ctx, next: () => Promise<void>) {\n  await next();\n  await next();\n}\n`,
      'middleware/index.ts': `export * from './auth';\nexport { default as cors } from './cors';\n`,
      'middleware/cors.ts': `export default async function (ctx, next) {\n  ctx.set('Access-Control-Allow-Origin', '*');\n  return next;\n}\n`,
      'types.ts': 'export interface Ctx { state: Record<string, unknown> }\n',
      'app.ts': KOA_APP("import { auth, cors } from './middleware';\nimport * as mw from './middleware/index';", 'auth).use(cors).use(mw.auth'),
    };
    // `auth` is registered twice on every path (by name and through the namespace): the stack rule says so (issue 12).
    expectReports(files, 'middleware/auth.ts', ['no-double-next@middleware/auth.ts:5', 'call-next@middleware/cors.ts:3', 'no-duplicate-middleware@app.ts:6']);
  });

  it('CommonJS: `module.exports = fn`, `exports.x = fn`, `require` bound whole, destructured, or inline', () => {
    const files = {
      'package.json': JSON.stringify({ name: 'app', private: true }),
      'timing.js': `module.exports = ${DROPS};\n`,
      'guards.js': `exports.admin = async function admin(ctx, next) {\n  if (!ctx.state.admin) return;\n  next();\n};\nexports.open = async (ctx, next) => { await next(); };\n`,
      'log.js': `async function log(ctx, next) {\n  await next();\n  next();\n}\nmodule.exports = { log };\n`,
      'app.js': `const Koa = require('koa');\nconst timing = require('./timing');\nconst { admin } = require('./guards');\nconst app = new Koa();\napp.use(timing).use(admin).use(require('./guards').open).use(require('./log').log);\n`,
    };
    expectReports(files, 'timing.js', ['await-next@timing.js:3', 'await-next@guards.js:3', 'await-next@log.js:3', 'no-double-next@log.js:4']);
  });

  it("through the project's path aliases (tsconfig paths)", () => {
    const files = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@mw/*': ['src/middleware/*'] } } }),
      'src/middleware/auth.ts': `export const auth = ${DROPS};\n`,
      'src/app.ts': KOA_APP("import { auth } from '@mw/auth';", 'auth'),
    };
    expectReports(files, 'src/middleware/auth.ts', ['await-next@src/middleware/auth.ts:3']);
  });

  it('a module that registers middleware itself and exports one that another module registers', () => {
    const files = {
      'package.json': PKG,
      'guards.js': 'export async function requireLogin(ctx, next) {\n  if (!ctx.state.user) ctx.throw(401);\n  await next();\n}\n',
      'routes.js': `import Router from '@koa/router';\nimport { requireLogin } from './guards.js';\nexport const router = new Router();\nrouter.get('/me', requireLogin, (ctx) => { ctx.body = ctx.state.user; });\nexport const audit = ${DROPS};\n`,
      'app.js': KOA_APP("import { audit, router } from './routes.js';", 'audit).use(router.routes()'),
    };
    expectReports(files, 'routes.js', ['await-next@routes.js:7']);
  });

  it('koa-compose and @koa/router registrations count too', () => {
    const files = {
      'package.json': PKG,
      'a.js': `export const a = ${DROPS};\n`,
      'b.js': `export const b = ${DROPS};\n`,
      'app.js': "import compose from 'koa-compose';\nimport Router from '@koa/router';\nimport { a } from './a.js';\nimport { b } from './b.js';\nexport const stack = compose([a]);\nconst router = new Router();\nrouter.get('/x', b, (ctx) => { ctx.body = 1; });\n",
    };
    expectReports(files, 'a.js', ['await-next@a.js:3', 'await-next@b.js:3']);
  });
});

describe('Hono and Express rows', () => {
  it('a Hono middleware registered with `app.use` of `new Hono()` in another module', () => {
    const files = {
      'package.json': PKG,
      'guard.ts': `import type { Env } from './env';\nexport const guard = async (c, next) => {\n  if (!c.req.header('X-Key')) return c.text('no', 401);\n  next();\n};\nexport type { Env };\n`,
      'env.ts': 'export type Env = { Bindings: {} };\n',
      'app.ts': "import { Hono } from 'hono';\nimport { guard } from './guard';\nconst app = new Hono();\napp.use('/api/*', guard);\nexport default app;\n",
    };
    expectReports(files, 'guard.ts', ['await-next@guard.ts:4']);
    const root = project(files);
    expect(unitsOf(root, ['guard.ts'])).toEqual([{ name: 'guard', file: 'guard.ts', framework: 'hono', contract: 'onion' }]);
  });

  it('Express and Connect: the unit gets the linear contract of the registering row', () => {
    const files = {
      'package.json': PKG,
      'mw.js': "export function requireUser(req, res, next) {\n  if (!req.user) return res.status(401).end();\n  next();\n}\nexport const audit = (opts) => (req, res, next) => { next(); };\n",
      'app.js': "import express from 'express';\nimport { requireUser, audit } from './mw.js';\nconst app = express();\napp.use(audit({}));\nexpress.Router().get('/me', requireUser, (req, res) => res.json(req.user));\n",
    };
    const root = project(files);
    const expected = [
      { name: 'audit', file: 'mw.js', framework: 'express', contract: 'linear' },
      { name: 'requireUser', file: 'mw.js', framework: 'express', contract: 'linear' },
    ];
    expect(unitsOf(root, ['mw.js', 'app.js'])).toEqual(expected);
    expect(unitsOf(root, ['mw.js'])).toEqual(expected);
    const connect = project({ 'package.json': PKG, 'mw.js': files['mw.js'], 'server.js': "const connect = require('connect');\nconst { requireUser } = require('./mw.js');\nconnect().use(requireUser);\n" });
    expect(unitsOf(connect, ['mw.js'])).toEqual([{ name: 'requireUser', file: 'mw.js', framework: 'connect', contract: 'linear' }]);
  });
});

describe('Express and Connect error handlers in a module of their own', () => {
  it('an error handler registered with `app.use` in another module is judged by error-handler-arity; a correct one and a Node callback are not', () => {
    const files = {
      'package.json': PKG,
      'errors.js': "export function jsonErrors(err, req, res) {\n  res.status(err.status ?? 500).json({ error: err.message });\n}\nexport function logged(err, req, res, next) {\n  console.error(err);\n  next(err);\n}\nexport function onRead(err, data) {\n  if (err) throw err;\n}\n",
      'app.js': "import express from 'express';\nimport { jsonErrors, logged } from './errors.js';\nconst app = express();\napp.get('/', (req, res) => res.send('ok'));\napp.use(logged);\napp.use(jsonErrors);\n",
    };
    expectReports(files, 'errors.js', ['error-handler-arity@errors.js:1']);
    const root = project(files);
    expect(unitsOf(root, ['errors.js']).map((u) => [u.name, u.framework])).toEqual([['jsonErrors', 'express'], ['logged', 'express']]);
    // Registered by Nest's `app.use` (no error-handler contract there): not judged.
    const nest = project({ 'package.json': PKG, 'errors.js': files['errors.js'], 'main.js': "const { NestFactory } = require('@nestjs/core');\nconst { jsonErrors } = require('./errors.js');\nasync function bootstrap() {\n  const app = await NestFactory.create({});\n  app.use(jsonErrors);\n}\nbootstrap();\n" });
    expect(reportsOf(nest, ['errors.js', 'main.js'])).toEqual([]);
  });
});

describe('precision: no registration, no judgement', () => {
  it('Redux middleware and `(x, next)` helpers exported but never registered with a framework are silent', () => {
    const files = {
      'package.json': PKG,
      'store.js': 'export const logger = (store) => (next) => (action) => { next(action); next(action); };\nexport function walk(items, next) { next; next(); next(); }\nexport const mw = async (ctx, next) => { next(); };\n',
      'app.js': "import Koa from 'koa';\nimport { walk } from './store.js';\nconst app = new Koa();\nwalk([1], () => {});\napp.use(async (ctx, next) => { await next(); });\n",
    };
    expectReports(files, 'store.js', []);
    expect(unitsOf(project(files), ['store.js'])).toEqual([]);
  });

  it('an import that does not resolve, or names a package, is silent', () => {
    expectReports({ 'package.json': PKG, 'app.js': KOA_APP("import { auth } from './missing.js';\nimport helmet from 'koa-helmet';", 'auth).use(helmet') }, 'app.js', []);
  });

  it('registered under two frameworks, or with a next position that does not fit: unjudged', () => {
    const two = {
      'package.json': PKG,
      'auth.js': `export const auth = ${DROPS};\n`,
      'koa.js': KOA_APP("import { auth } from './auth.js';", 'auth'),
      'hono.js': "import { Hono } from 'hono';\nimport { auth } from './auth.js';\nnew Hono().use(auth);\n",
    };
    expectReports(two, 'auth.js', []);
    const express = { 'package.json': PKG, 'mw.js': 'export function mw(req, res, next) { next(); next(); }\n', 'app.js': KOA_APP("import { mw } from './mw.js';", 'mw') };
    expectReports(express, 'mw.js', []);
  });

  it('a name shadowed in the registering file is not followed', () => {
    const files = {
      'package.json': PKG,
      'auth.js': `export const auth = ${DROPS};\n`,
      'app.js': "import Koa from 'koa';\nimport { auth } from './auth.js';\nexport function mount(app, auth) {\n  app.use(auth);\n}\nconst app = new Koa();\n",
    };
    expectReports(files, 'auth.js', []);
  });
});

describe('pre-filter, cache format and ESLint', () => {
  it('a middleware-only module is dormant on its own and still judged when a registration reaches it', () => {
    const text = `export const auth = ${DROPS};\n`;
    expect(extractFacts('/virtual/auth.js', text, frontendOptions(config), 'auto').dormant).toBe(true);
    const full = extractFacts('/virtual/auth.js', text, frontendOptions(config), 'full');
    expect(full.functionCandidates?.map((c) => ({ name: c.name, nextIndex: c.nextIndex, frameworks: Object.keys(c.byFramework) }))).toEqual([{ name: 'auth', nextIndex: 1, frameworks: ['koa', 'hono'] }]);
    // Hono's summary also records what happens to the context (its handlers return their response), Koa's does not: two variants.
    expect(full.functionCandidates?.[0]?.variants.length).toBe(2);
    const registering = extractFacts('/virtual/app.js', KOA_APP("import { auth } from './auth.js';", 'auth'), frontendOptions(config), 'auto');
    expect(registering.frameworkUses?.map((u) => ({ framework: u.framework, source: u.source, imported: u.imported, call: u.call }))).toEqual([{ framework: 'koa', source: './auth.js', imported: 'auth', call: false }]);
  });

  it('a `try { await next() } catch` differs between Koa and Hono: two variants, each framework gets its own', () => {
    const text = 'export async function errors(ctx, next) {\n  try {\n    await next();\n  } catch (e) {\n    await next();\n  }\n}\n';
    const full = extractFacts('/virtual/errors.js', text, frontendOptions(config), 'full');
    expect(full.functionCandidates?.[0]?.variants.length).toBe(2);
    const koa = project({ 'package.json': PKG, 'errors.js': text, 'app.js': KOA_APP("import { errors } from './errors.js';", 'errors') });
    expect(reportsOf(koa, ['errors.js'])).toEqual(['no-double-next@errors.js:7']);
    const hono = project({ 'package.json': PKG, 'errors.js': text, 'app.js': "import { Hono } from 'hono';\nimport { errors } from './errors.js';\nnew Hono().use(errors);\n" });
    expect(reportsOf(hono, ['errors.js'])).toEqual([]);
  });

  it('the CLI given the middleware module alone (a pre-commit run) finds the registration around it', async () => {
    const root = project({ 'package.json': PKG, 'src/auth.js': `export const auth = ${DROPS};\n`, 'src/app.js': KOA_APP("import { auth } from './auth.js';", 'auth') });
    const alone = await run(['--format', 'compact', 'src/auth.js'], root);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain('src/auth.js: line 3, col 3, Error - Koa middleware `auth` calls `next()` without awaiting');
    expect((await run(['--format', 'compact', '.'], root)).stdout).toBe(alone.stdout);
  });

  it('the CLI given an error-handler module alone (no next-named parameter, no framework import) finds the app that registers it', async () => {
    const root = project({
      'package.json': PKG,
      'src/errors.js': 'export function jsonErrors(err, req, res) {\n  res.status(500).json({ error: err.message });\n}\n',
      'src/app.js': "import express from 'express';\nimport { jsonErrors } from './errors.js';\nconst app = express();\napp.get('/', (req, res) => res.send('ok'));\napp.use(jsonErrors);\n",
    });
    const alone = await run(['--format', 'compact', 'src/errors.js'], root);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain('src/errors.js: line 1, col 27, Error - `jsonErrors` is meant as Express error-handling middleware');
    expect((await run(['--format', 'compact', '.'], root)).stdout).toBe(alone.stdout);
  });

  it('the ESLint plugin, linting the middleware module alone, reports what the CLI reports', async () => {
    const root = project({ 'package.json': PKG, 'auth.js': `export async function auth(ctx, next) {\n  ctx.state.user = ctx.get('X-User');\n  next();\n}\n`, 'app.js': KOA_APP("import { auth } from './auth.js';", 'auth') });
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.js'] }, plugin.configs.recommended as never] });
    const [result] = await eslint.lintFiles([join(root, 'auth.js')]);
    expect(result!.messages.map((m) => `${m.ruleId}@${m.line}`)).toEqual(['onion/await-next@3']);
  });
});
