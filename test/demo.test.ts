/**
 * The demo project the README's quick start lints: its per-middleware mistakes are reported
 * exactly, and its correct middleware stays silent. (Stack rules have their own expectations:
 * this suite looks at unit rules only, so a settings file added to the demo does not disturb it.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { isSourceFile, lint } from '../src/engine.js';
import { LineIndex } from '../src/text.js';
import { allRules } from '../rules/index.js';
import { fixturesRoot, repoRoot } from './fixture-cases.js';
import { run } from './cli/run.js';
import { diskHost, factsOf } from './helpers.js';
import { ensurePythonParser } from '../src/frontends/python/index.js';

// lint() is synchronous: Python cases need the grammar loaded first.
await ensurePythonParser();

const demoRoot = join(fixturesRoot, 'demo');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return isSourceFile(full) ? [full] : [];
  });
}

const unitRuleIds = new Set(allRules.filter((r) => r.meta.scope === 'unit').map((r) => `onion/${r.meta.id}`));

/** Lints every source file under `root` in one run, as the CLI does; reports as `rule@file:line`, paths relative to `root`. */
function lintTree(root: string, keep: (ruleId: string | null) => boolean = () => true) {
  const inputs = sourceFiles(root).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const results = lint(inputs, { config: defaultConfig(), host: diskHost });
  const reports = results.flatMap((r) => {
    const lines = new LineIndex(r.text);
    const file = relative(root, r.filePath).split('\\').join('/');
    return r.diagnostics
      .filter((d) => keep(d.ruleId))
      .map((d) => `${d.ruleId?.replace(/^onion\//, '') ?? 'fatal'}@${file}:${lines.position(d.range.start).line}`);
  });
  return { inputs, results, reports };
}

describe('fixtures/demo', () => {
  const { inputs, results, reports } = lintTree(demoRoot, (ruleId) => ruleId === null || unitRuleIds.has(ruleId));

  it('reports exactly the demo\'s per-middleware mistakes', () => {
    expect(reports.filter((r) => !/@(django|koa|hono|express)\//.test(r)).sort()).toEqual(
      [
        'return-response@src/middleware/timing.ts:11',
        'call-next@src/middleware/maintenance.js:10',
        'no-double-next@src/middleware/retry.ts:11',
        'await-next@src/middleware/security-headers.js:6',
        'await-next@src/middleware/security-headers.js:7',
        'hook-return@src/middleware/feature-flags.ts:18',
      ].sort(),
    );
  });

  it('reports exactly the mistakes of its settings stack', () => {
    const settings = results.find((r) => r.filePath === join(demoRoot, 'src', 'settings.ts'))!;
    const lines = new LineIndex(settings.text);
    expect(settings.diagnostics.map((d) => `${d.ruleId?.replace(/^onion\//, '')}@${lines.position(d.range.start).line}`)).toEqual([
      'required-middleware@14',
      'middleware-order@17',
      'middleware-order@18',
      'resolvable-middleware@21',
      'no-duplicate-middleware@24',
    ]);
  });

  it('`onionlint stack` draws the demo onion with each violation on its layer', async () => {
    const result = await run(['stack', 'fixtures/demo/src/settings.ts', '--format', 'json'], repoRoot);
    expect(result.code).toBe(1);
    const picture = JSON.parse(result.stdout) as { setting: string; layers: Array<{ index: number; label: string; origin: { kind: string }; problems: Array<{ ruleId: string }> }>; problems: Array<{ ruleId: string }> };
    expect(picture.setting).toBe('MIDDLEWARE');
    expect(picture.layers.map((l) => `${l.index} ${l.label} ${l.origin.kind}${l.problems.map((p) => ` ✖${p.ruleId.replace('onion/', '')}`).join('')}`)).toEqual([
      '1 SecurityMiddleware built-in',
      '2 RequestIdMiddleware project',
      '3 MaintenanceMiddleware project ✖middleware-order',
      '4 AuthenticationMiddleware built-in ✖middleware-order',
      '5 SessionMiddleware built-in',
      '6 CommonMiddleware built-in',
      '7 CsrfViewMiddlware unresolved ✖resolvable-middleware',
      '8 AuthMiddleware project',
      '9 TimingMiddleware project',
      '10 TimingMiddleware project ✖no-duplicate-middleware',
      '11 XFrameOptionsMiddleware built-in',
    ]);
    expect(picture.problems.map((p) => p.ruleId)).toEqual(['onion/required-middleware']);
    const text = await run(['stack', 'fixtures/demo/src/settings.ts'], repoRoot);
    await expect(text.stdout).toMatchFileSnapshot('__snapshots__/demo-stack.txt');
  });

  it('lints TypeScript and JavaScript files, and the correct middleware stays silent', () => {
    const files = inputs.map((i) => relative(demoRoot, i.path).split('\\').join('/'));
    expect(files.some((f) => f.endsWith('.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    const reported = new Set(reports.map((r) => r.slice(r.indexOf('@') + 1, r.lastIndexOf(':'))));
    for (const correct of ['request-id.ts', 'cors.js', 'auth.ts', 'json-errors.js']) {
      expect(reported.has(`src/middleware/${correct}`), correct).toBe(false);
    }
  });

  it('the return-response report carries the `return response;` fix', () => {
    const timing = results.find((r) => r.filePath === join(demoRoot, 'src', 'middleware', 'timing.ts'))!;
    const fix = timing.diagnostics.find((d) => d.ruleId === 'onion/return-response')?.fix;
    expect(fix?.text.trim()).toBe('return response;');
  });

  it('the quick start (`onionlint fixtures/demo`) prints those mistakes and exits 1', async () => {
    const result = await run(['fixtures/demo', '--format', 'json'], repoRoot);
    expect(result.code).toBe(1);
    const files = JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; line: number }> }>;
    const fromCli = files.flatMap((f) => {
      const file = relative(demoRoot, f.filePath).split('\\').join('/');
      return f.messages
        .filter((m) => m.ruleId === null || unitRuleIds.has(m.ruleId))
        .map((m) => `${m.ruleId?.replace(/^onion\//, '') ?? 'fatal'}@${file}:${m.line}`);
    });
    expect(fromCli.sort()).toEqual([...reports].sort());
  });
});

describe('fixtures/demo/django (the Django project the quick start lints too)', () => {
  const djangoRoot = join(demoRoot, 'django');
  const { inputs, results, reports } = lintTree(djangoRoot);

  it('reports exactly the lesson\'s three mistakes and the others it holds, and nothing on correct middleware', () => {
    expect(inputs.every((i) => i.path.endsWith('.py'))).toBe(true);
    expect(reports.sort()).toEqual(
      [
        // The lesson's three: no `return response`, a `get_response` never called, Authentication above Session.
        'return-response@bookshop/middleware/audit.py:15',
        'call-next@bookshop/middleware/maintenance.py:11',
        'middleware-order@bookshop/settings.py:20',
        'hook-return@bookshop/middleware/banner.py:10',
        'mixin-init@bookshop/middleware/banner.py:16',
        'await-next@bookshop/middleware/cache_headers.py:16',
        'hook-signature@bookshop/middleware/staff_only.py:13',
        'resolvable-middleware@bookshop/settings.py:23',
      ].sort(),
    );
    for (const correct of ['request_id.py', 'timing.py']) expect(reports.some((r) => r.includes(`/${correct}:`)), correct).toBe(false);
  });

  it('messages speak Python: `return response`, `self.get_response`, Django\'s own errors', () => {
    const messages = results.flatMap((r) => r.diagnostics.map((d) => d.message)).join('\n');
    expect(messages).toContain('(`return response`)');
    expect(messages).toContain('`self.get_response`');
    expect(messages).toContain("TypeError: 'coroutine' object does not support item assignment");
    expect(messages).not.toMatch(/\bthis\.|\bundefined\b|`null`|return response;/);
  });

  it('`onionlint stack` draws the Python onion with the project layers resolved by dotted path', async () => {
    const result = await run(['stack', 'fixtures/demo/django/bookshop/settings.py', '--format', 'json'], repoRoot);
    expect(result.code).toBe(1);
    const picture = JSON.parse(result.stdout) as { layers: Array<{ index: number; label: string; origin: { kind: string }; problems: Array<{ ruleId: string }> }> };
    expect(picture.layers.map((l) => `${l.index} ${l.label} ${l.origin.kind}${l.problems.map((p) => ` ✖${p.ruleId.replace('onion/', '')}`).join('')}`)).toEqual([
      '1 SecurityMiddleware built-in',
      '2 RequestIdMiddleware project',
      '3 AuthenticationMiddleware built-in ✖middleware-order',
      '4 SessionMiddleware built-in',
      '5 CommonMiddleware built-in',
      '6 CsrfViewMiddlware unresolved ✖resolvable-middleware',
      '7 MessageMiddleware built-in',
      '8 XFrameOptionsMiddleware built-in',
      '9 server_timing project',
      '10 AuditLogMiddleware project',
      '11 CacheHeadersMiddleware project',
      '12 PromoBannerMiddleware project',
      '13 LegacyHeadersMiddleware project',
      '14 StaffOnlyMiddleware project',
      '15 MaintenanceMiddleware project',
    ]);
    const text = await run(['stack', 'fixtures/demo/django/bookshop/settings.py'], repoRoot);
    await expect(text.stdout).toMatchFileSnapshot('__snapshots__/demo-django-stack.txt');
  });

  it('the quick start (`onionlint fixtures/demo`) prints the Django reports too', async () => {
    const result = await run(['fixtures/demo', '--format', 'json'], repoRoot);
    const files = JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; line: number }> }>;
    const fromCli = files
      .filter((f) => f.filePath.startsWith(djangoRoot))
      .flatMap((f) => f.messages.map((m) => `${m.ruleId?.replace(/^onion\//, '') ?? 'fatal'}@${relative(djangoRoot, f.filePath).split('\\').join('/')}:${m.line}`));
    expect(fromCli.sort()).toEqual([...reports].sort());
  });
});

describe('fixtures/demo/koa, hono and express (the Node apps the quick start lints too)', () => {
  const apps = {
    koa: lintTree(join(demoRoot, 'koa')),
    hono: lintTree(join(demoRoot, 'hono')),
    express: lintTree(join(demoRoot, 'express')),
  };
  /** The framework units each file of an app holds, as `name` strings, per file relative to the app. */
  const unitsOf = (app: keyof typeof apps) =>
    Object.fromEntries(
      apps[app].inputs.map((i) => [
        relative(join(demoRoot, app), i.path).split('\\').join('/'),
        factsOf(i.text, i.path).units.filter((u) => u.framework === app).map((u) => u.name).sort(),
      ]),
    );

  it('the Koa order API: a dropped `next()`, `next` referenced and never called, `next()` twice on one path', () => {
    expect(apps.koa.reports.sort()).toEqual(
      ['await-next@src/app.js:22', 'call-next@src/app.js:47', 'no-double-next@src/app.js:57'].sort(),
    );
  });

  it('the Hono catalogue API: a dropped `next()` (in a module of its own), `next()` twice on one path, a route handler dropping `c.json(...)`', () => {
    expect(apps.hono.reports.sort()).toEqual(['await-next@src/middleware/timing.ts:6', 'no-double-next@src/index.ts:22', 'return-response@src/index.ts:31'].sort());
  });

  it('the Express accounts API: `passport.session()` above `session()`, `next()` twice, an error handler with three parameters, and (in a module that never imports Express) a 401 sent then `next()`', () => {
    // middleware-order (issue 12): the app's registrations are a stack, in program order.
    expect(apps.express.reports.sort()).toEqual(['middleware-order@src/app.js:14', 'no-double-next@src/app.js:29', 'error-handler-arity@src/app.js:55', 'respond-once@src/middleware/require-user.js:11'].sort());
    // The same-file units; `requireUser` is found through its registration in app.js (test/frameworks-crossfile.test.ts).
    expect(unitsOf('express')).toEqual({
      'src/accounts.js': [],
      'src/app.js': ['accounts.get(…)', 'app.use(…)', 'app.use(…)', 'auditTrail'],
      'src/middleware/require-user.js': [],
    });
  });

  it('every middleware of the Koa and Hono apps is judged under its framework, and the correct ones stay silent', () => {
    expect(unitsOf('koa')).toEqual({
      'src/app.js': ['cacheControl', 'cors', 'errorHandler', 'requireUser', 'responseTime'],
      'src/orders.js': [],
      'src/server.js': [],
    });
    expect(unitsOf('hono')).toEqual({
      'src/books.ts': [],
      // The two route handlers are units too: Hono judges what they return.
      'src/index.ts': ['api.get(…)', 'api.get(…)', 'staleDuringRebuild'],
      'src/middleware/api-key.ts': ['apiKey'],
      'src/middleware/security-headers.ts': ['securityHeaders'],
      'src/middleware/timing.ts': ['timing'],
    });
    const named = (app: keyof typeof apps) => apps[app].results.flatMap((r) => r.diagnostics.map((d) => /(?:middleware|handler) `([^`]+)`/.exec(d.message)?.[1]));
    expect(named('koa')).toEqual(['responseTime', 'requireUser', 'cacheControl']);
    expect(named('hono').sort()).toEqual(['api.get(…)', 'staleDuringRebuild', 'timing']);
  });

  it('messages name each framework\'s own failure', () => {
    const messages = (app: keyof typeof apps) => apps[app].results.flatMap((r) => r.diagnostics.map((d) => d.message)).join('\n');
    expect(messages('koa')).toContain('`404 Not Found`');
    expect(messages('koa')).toContain('`Error: next() called multiple times`');
    expect(messages('hono')).toContain('Context is not finalized');
    expect(messages('hono')).toContain('`app.onError`');
    expect(messages('express')).toContain('ERR_HTTP_HEADERS_SENT');
    expect(messages('express')).toContain('`length` is 4');
  });

  it('the README shows verbatim what `onionlint stack` draws of the demo\'s Express app', async () => {
    const result = await run(['stack', 'fixtures/demo/express/src/app.js', '--no-color'], repoRoot);
    expect(result.code).toBe(1);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const command = '$ npx onionlint stack fixtures/demo/express/src/app.js\n';
    const start = readme.indexOf(command);
    expect(start).toBeGreaterThan(0);
    const block = readme.slice(start + command.length, readme.indexOf('```', start));
    expect(block).toBe(result.stdout.replace(/\n*$/, '\n'));
  });

  it('the README\'s quick start shows verbatim what `onionlint fixtures/demo` prints', async () => {
    const result = await run(['fixtures/demo'], repoRoot);
    expect(result.code).toBe(1);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
    const block = /```text\n([\s\S]*?)```/.exec(quickStart)?.[1];
    expect(block).toBeDefined();
    // The block shows parts of the output, separated by a line `…`; each part is in the output as it stands.
    const parts = block!.split('\n…\n').map((p) => p.trim());
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(result.stdout).toContain(part);
    expect(parts.at(-1)).toMatch(/^✖ 29 problems/);
    expect(quickStart).toContain('29 problems');
  });
});
