/**
 * Node app stacks split over modules (issue 12, "Stack recovery"): routers and sub-apps defined in
 * one module and mounted in another, and functions of another module given the app
 * (`require('./routes')(app)`, `configure(app)`), whose registrations take the include's place in
 * the app's order. A run given one file (ESLint) finds the app around it, so it reports what a run
 * given the whole app reports in that file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint, lintProject, type LintHost } from '../src/engine.js';
import plugin from '../src/eslint/plugin.js';
import type { NodeStackEntry } from '../src/link/app-stacks.js';
import { project } from './cli/run.js';
import { diskHost, factsOf } from './helpers.js';

const host: LintHost = { ...diskHost, listDirectory: (dir) => readdirSync(dir) };
const config = defaultConfig();
const PKG = JSON.stringify({ name: 'app', private: true, dependencies: { express: '^4.21.0', 'express-session': '^1.18.0', passport: '^0.7.0' } });
const ESM_PKG = JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { express: '^4.21.0', 'express-session': '^1.18.0', passport: '^0.7.0' } });

const inputsOf = (root: string, files: string[]) => files.map((f) => ({ path: join(root, f), text: readFileSync(join(root, f), 'utf8') }));
const sources = (files: Record<string, string>) => Object.keys(files).filter((f) => /\.[cm]?[jt]s$/.test(f));

/** `rule@file:line` for every report of a run over the given files of a project. */
function reportsOf(root: string, files: string[]): string[] {
  return lint(inputsOf(root, files), { config, host }).flatMap((r) =>
    r.diagnostics.map((d) => `${d.ruleId?.replace('onion/', '') ?? 'fatal'}@${r.filePath.slice(root.length + 1)}:${r.text.slice(0, d.range.start).split('\n').length}`),
  );
}

/** The same reports with every file given, and with each file given alone (the app found around it). */
function expectReports(files: Record<string, string>, expected: string[]): void {
  const root = project(files);
  expect(reportsOf(root, sources(files)).sort(), 'every file given').toEqual([...expected].sort());
  for (const file of sources(files)) expect(reportsOf(root, [file]).sort(), `${file} alone`).toEqual(expected.filter((e) => e.includes(`@${file}:`)).sort());
}

/** The Node stacks of a run over every file of a project: `file:name` and the entries as `file path label`. */
function appStacksOf(files: Record<string, string>, given = sources(files)): Array<{ app: string; open: boolean; entries: string[] }> {
  const root = project(files);
  return lintProject(inputsOf(root, given), { config, host })
    .model.stackContexts.filter((c) => c.stack.framework !== undefined)
    .map(({ stack }) => ({
      app: `${stack.filePath.slice(root.length + 1)}:${stack.setting}`,
      open: stack.open,
      entries: stack.entries.map((e) => `${e.filePath.slice(root.length + 1)} ${(e as NodeStackEntry).node.path} ${e.label}`),
    }));
}

const SESSION = `session({ secret: 'x', resave: false, saveUninitialized: false })`;
const CJS_APP = (body: string) => `const express = require('express');\nconst session = require('express-session');\n\nconst app = express();\n${body}\napp.listen(3000);\n`;
/** `passport.session()` on line 4. */
const CJS_CONFIGURE = `const passport = require('passport');\n\nmodule.exports = function (app) {\n  app.use(passport.session());\n  app.get('/me', (req, res) => res.json(req.user));\n};\n`;

describe('the front-end: parameter stacks of exported functions', () => {
  const stacksOf = (text: string, path = '/virtual/routes.js') =>
    (factsOf(text, path).appStacks ?? []).map((s) => ({ name: s.name, role: s.role, framework: s.framework, exported: s.exported, methods: s.registrations.map((r) => r.method) }));

  it('`module.exports = function (app)` in a module that imports no framework: the framework is the includer’s', () => {
    expect(stacksOf(CJS_CONFIGURE)).toEqual([{ name: 'default#0', role: 'parameter', framework: undefined, exported: ['default'], methods: ['use', 'get'] }]);
  });

  it('named, default, CommonJS-property and object-literal exports; the parameter at its index', () => {
    expect(stacksOf(`import type { Express } from 'express';\nexport function configure(app: Express) {\n  app.use(a);\n}\n`, '/virtual/routes.ts')).toEqual([
      { name: 'configure#0', role: 'parameter', framework: undefined, exported: ['configure'], methods: ['use'] },
    ]);
    expect(stacksOf(`export default (options, app) => {\n  app.route('/x').get(h);\n};\n`)).toEqual([{ name: 'default#1', role: 'parameter', framework: undefined, exported: ['default'], methods: ['get'] }]);
    expect(stacksOf(`exports.mount = (router) => router.post('/items', save);\n`)).toEqual([{ name: 'mount#0', role: 'parameter', framework: undefined, exported: ['mount'], methods: ['post'] }]);
    expect(stacksOf(`function routes(app) {\n  app.use(a);\n}\nmodule.exports = { routes, admin(app) { app.use('/admin', b); } };\n`).map((s) => [s.name, s.exported])).toEqual([
      ['routes#0', ['routes']],
      ['admin#0', ['admin']],
    ]);
  });

  it('an include in place (`require(...)(app)`, a function of the file) and a router required in place', () => {
    const [stack] = factsOf(`module.exports = (app) => {\n  require('./users')(app);\n  require('./admin').mount(app);\n  local(app);\n  app.use('/api', require('./api'));\n};\nfunction local(app) {\n  app.use(x);\n}\n`, '/virtual/routes.js').appStacks!;
    expect(stack!.registrations.map((r) => [r.method, r.layers.map((l) => l.module ?? l.value)])).toEqual([
      ['include', [{ source: './users', exported: 'default' }]],
      ['include', [{ source: './admin', exported: 'mount' }]],
      ['include', ['local']],
      ['use', [{ source: './api', exported: 'default' }]],
    ]);
    expect(factsOf(`module.exports = (app) => {\n  local(app);\n};\nfunction local(app) {\n  app.use(x);\n}\n`, '/virtual/routes.js').appStacks!.map((s) => s.name)).toEqual(['default#0', 'local#0']);
  });

  it('no stack for exported functions that register nothing on a parameter, nor for functions not exported', () => {
    expect(stacksOf(`export function total(items) {\n  return items.reduce((a, b) => a + b, 0);\n}\nfunction setup(app) {\n  app.use(a);\n}\n`)).toEqual([]);
  });
});

describe('the link step: the module’s registrations in the app’s order', () => {
  it('a configure function takes the include’s place; a router required in place nests under its path', () => {
    const files = {
      'package.json': PKG,
      'app.js': CJS_APP(`app.use(first());\nrequire('./routes')(app);\napp.use('/api', require('./api'));\napp.use(last());`).replace("const session = require('express-session');", "const { first, last } = require('./layers');"),
      'routes.js': CJS_CONFIGURE,
      'api.js': `const express = require('express');\nconst router = express.Router();\nrouter.get('/items', (req, res) => res.json([]));\nmodule.exports = router;\n`,
    };
    expect(appStacksOf(files)).toEqual([
      { app: 'app.js:app', open: false, entries: ['app.js  first()', 'routes.js  passport.session()', "routes.js /me get('/me', …)", 'api.js /api/items router.get(\'/items\', …)', 'app.js  last()'] },
    ]);
  });

  it('an Express app ignores what is no registration of its own (`app.on(\'mount\', ...)`)', () => {
    const files = {
      'package.json': PKG,
      'app.js': CJS_APP(`require('./routes')(app);`),
      'routes.js': `module.exports = (app) => {\n  app.on('mount', (parent) => console.log(parent.mountpath));\n  app.use(helmet());\n};\n`,
    };
    expect(appStacksOf(files).map((s) => s.entries)).toEqual([['routes.js  helmet()']]);
  });

  it('a Koa app: an imported router’s `routes()` in place', () => {
    const files = {
      'package.json': JSON.stringify({ name: 'k', private: true, type: 'module', dependencies: { koa: '^2.15.0', '@koa/router': '^13.0.0' } }),
      'app.js': `import Koa from 'koa';\nimport users from './users.js';\n\nconst app = new Koa();\napp.use(timing());\napp.use(users.routes());\napp.use(tail());\n`,
      'users.js': `import Router from '@koa/router';\n\nconst router = new Router();\nrouter.get('/me', (ctx) => {\n  ctx.body = ctx.state.user;\n});\nexport default router;\n`,
    };
    const [app, ...rest] = appStacksOf(files);
    expect(rest).toEqual([]);
    expect(app!.app).toBe('app.js:app');
    expect(app!.entries).toEqual(['app.js  timing()', "users.js /me router.get('/me', …)", 'app.js  tail()']);
  });
});

describe('reports land where the layer is registered, with every file given or one alone', () => {
  it('a configure function included before `session()` (`require(\'./routes\')(app)`, `routes(app)`)', () => {
    // The module names no framework: the pre-filter leaves it dormant, and the link step reads it in full.
    expect(extractFacts('/virtual/routes.js', CJS_CONFIGURE, frontendOptions(config), 'auto').dormant).toBe(true);
    expectReports({ 'package.json': PKG, 'app.js': CJS_APP(`require('./routes')(app);\napp.use(${SESSION});`), 'routes.js': CJS_CONFIGURE }, ['middleware-order@routes.js:4']);
    expectReports({ 'package.json': PKG, 'app.js': `const routes = require('./routes');\n${CJS_APP(`routes(app);\napp.use(${SESSION});`)}`, 'routes.js': CJS_CONFIGURE }, ['middleware-order@routes.js:4']);
    // Included after it: silent.
    expectReports({ 'package.json': PKG, 'app.js': CJS_APP(`app.use(${SESSION});\nrequire('./routes')(app);`), 'routes.js': CJS_CONFIGURE }, []);
  });

  it('TypeScript: `export function configure(app: Express)` imported by name', () => {
    expectReports(
      {
        'package.json': PKG,
        'server.ts': `import express from 'express';\nimport session from 'express-session';\nimport { configure } from './auth';\n\nconst app = express();\nconfigure(app);\napp.use(${SESSION});\n`,
        'auth.ts': `import type { Express } from 'express';\nimport passport from 'passport';\n\nexport function configure(app: Express): void {\n  app.use(passport.session());\n}\n`,
      },
      ['middleware-order@auth.ts:5'],
    );
  });

  it('a router mounted before `session()`: `export default router`, `module.exports = router`, `exports.router = router`, `export const router`', () => {
    const esmApp = (imp: string, mount: string) => `import express from 'express';\nimport session from 'express-session';\n${imp}\n\nconst app = express();\napp.use('/api', ${mount});\napp.use(${SESSION});\n`;
    const esmRouter = (decl: string, exp: string) => `import { Router } from 'express';\nimport passport from 'passport';\n\n${decl}\nrouter.use(passport.session());\n${exp}\n`;
    expectReports({ 'package.json': ESM_PKG, 'app.js': esmApp("import api from './api.js';", 'api'), 'api.js': esmRouter('const router = Router();', 'export default router;') }, ['middleware-order@api.js:5']);
    expectReports({ 'package.json': ESM_PKG, 'app.js': esmApp("import { router } from './api.js';", 'router'), 'api.js': esmRouter('export const router = Router();', '') }, ['middleware-order@api.js:5']);
    const cjsRouter = (exp: string) => `const express = require('express');\nconst passport = require('passport');\nconst router = express.Router();\nrouter.use(passport.session());\n${exp}\n`;
    expectReports({ 'package.json': PKG, 'app.js': CJS_APP(`app.use('/api', require('./api'));\napp.use(${SESSION});`), 'api.js': cjsRouter('module.exports = router;') }, ['middleware-order@api.js:4']);
    expectReports({ 'package.json': PKG, 'app.js': `const api = require('./api');\n${CJS_APP(`app.use('/api', api.router);\napp.use(${SESSION});`)}`, 'api.js': cjsRouter('exports.router = router;') }, ['middleware-order@api.js:4']);
  });

  it('two modules down: a configure function included by a router that the app mounts', () => {
    expectReports(
      {
        'package.json': PKG,
        'app.js': `const api = require('./api');\n${CJS_APP(`app.use('/api', api);\napp.use(${SESSION});`)}`,
        'api.js': `const express = require('express');\nconst router = express.Router();\nrequire('./sessions')(router);\nmodule.exports = router;\n`,
        'sessions.js': `const passport = require('passport');\nmodule.exports = (router) => {\n  router.use(passport.session());\n};\n`,
      },
      ['middleware-order@sessions.js:3'],
    );
  });

  it('partial: a function that cannot be found, or the app given in a loop, orders nothing after it', () => {
    expectReports({ 'package.json': PKG, 'app.js': CJS_APP(`require('./setup')(app);\nrequire('./routes')(app);\napp.use(${SESSION});`), 'routes.js': CJS_CONFIGURE }, []);
    expectReports({ 'package.json': PKG, 'app.js': CJS_APP(`for (const r of [require('./routes')]) r(app);\napp.use(${SESSION});`), 'routes.js': CJS_CONFIGURE }, []);
    // A module that does not register on what it is given (no parameter stack): unknown, silent.
    expectReports({ 'package.json': PKG, 'app.js': CJS_APP(`require('./routes')(app);\napp.use(${SESSION});`), 'routes.js': `module.exports = function (app) {\n  plugins.forEach((p) => p.install(app));\n};\n` }, []);
  });

  it('a router mounted by two apps is judged in each; identical reports are one', () => {
    const router = `const express = require('express');\nconst passport = require('passport');\nconst router = express.Router();\nrouter.use(passport.session());\nmodule.exports = router;\n`;
    const app = (name: string, sessionFirst: boolean) => {
      const lines = [`app.use('/${name}', require('./profile'));`, `app.use(${SESSION});`];
      return CJS_APP((sessionFirst ? lines.reverse() : lines).join('\n'));
    };
    // Each report names the app's own `session()`.
    expectReports({ 'package.json': PKG, 'web.js': app('web', false), 'admin.js': app('admin', false), 'profile.js': router }, ['middleware-order@profile.js:4', 'middleware-order@profile.js:4']);
    expectReports({ 'package.json': PKG, 'web.js': app('web', true), 'admin.js': app('admin', false), 'profile.js': router }, ['middleware-order@profile.js:4']);
    expectReports({ 'package.json': PKG, 'web.js': app('web', true), 'admin.js': app('admin', true), 'profile.js': router }, []);
    // Both apps take `session()` from one configure function: the same report twice, kept once.
    const shared = (name: string) => CJS_APP(`app.use('/${name}', require('./profile'));\nrequire('./common')(app);`);
    const common = `const session = require('express-session');\nmodule.exports = (app) => {\n  app.use(${SESSION});\n};\n`;
    expectReports({ 'package.json': PKG, 'web.js': shared('web'), 'admin.js': shared('admin'), 'profile.js': router, 'common.js': common }, ['middleware-order@profile.js:4']);
  });
});

describe('ESLint, linting one file at a time, reports what the CLI reports', () => {
  it('on a two-file app whose configure function is registered too early', async () => {
    const root = project({ 'package.json': PKG, 'app.js': CJS_APP(`require('./routes')(app);\napp.use(${SESSION});`), 'routes.js': CJS_CONFIGURE });
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.js'] }, { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, plugin.configs.strict as never],
    });
    const fromEslint = (await eslint.lintFiles(['app.js', 'routes.js'])).flatMap((r) => r.messages.filter((m) => m.ruleId?.startsWith('onion/')).map((m) => `${m.ruleId}@${r.filePath.slice(root.length + 1)}:${m.line}:${m.column}`));
    const fromCli = lint(inputsOf(root, ['app.js', 'routes.js']), { config: { ...config, presets: ['strict'] }, host }).flatMap((r) =>
      r.diagnostics.map((d) => {
        const before = r.text.slice(0, d.range.start).split('\n');
        return `${d.ruleId}@${r.filePath.slice(root.length + 1)}:${before.length}:${before.at(-1)!.length + 1}`;
      }),
    );
    expect(fromCli).toEqual(['onion/middleware-order@routes.js:4:11']);
    expect(fromEslint).toEqual(fromCli);
  });
});
