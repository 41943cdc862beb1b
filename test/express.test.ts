import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint } from '../src/engine.js';
import { allFixtureCases } from './fixture-cases.js';
import { factsOf, reportsOf } from './helpers.js';

/*
 * The linear contract (issue 11; NODE.md §1, §2 Express / Connect): Express and Connect middleware
 * complete a request once, by sending a response or by calling `next`. The flow records the
 * completions; respond-once, no-double-next and call-next judge them.
 */

/** The linear units of a file: name, framework, next and the linear facts, with lines for ranges. */
function linear(text: string, path = '/virtual/app.ts') {
  const line = (offset: number) => text.slice(0, offset).split('\n').length;
  return factsOf(text, path)
    .units.filter((u) => u.contract === 'linear')
    .map((u) => ({
      name: u.name,
      framework: u.framework,
      next: u.nextParam?.name,
      sends: u.handler!.responseSends!.map((r) => line(r.start)),
      late: u.handler!.lateCompletions!.map((l) => `${l.kind}@${line(l.range.start)} after ${l.after.map((a) => `${a.kind}@${line(a.range.start)}${a.endsBranch ? '!' : ''}`).join(' ')}`),
      exits: u.handler!.exits.map((e) => `${e.kind}@${line(e.range.start)}:${e.completions!.join('/')}`),
    }));
}

const EXPRESS = "import express from 'express';\nconst app = express();\n";
const CONNECT = "const connect = require('connect');\nconst app = connect();\n";

describe('Express and Connect units: which parameter is `res`, which is `next`', () => {
  it('middleware `(req, res, next)`: next at 2, the response at 1', () => {
    const [u] = linear(`${EXPRESS}app.use((req, res, next) => {\n  res.json({});\n  next();\n});\n`);
    expect(u).toMatchObject({ framework: 'express', next: 'next', sends: [4], late: ['next@5 after send@4'] });
  });

  it('an error handler `(err, req, res, next)` (four parameters): next at 3, the response at 2', () => {
    const [u] = linear(`${EXPRESS}app.use((err, req, res, next) => {\n  next(err);\n  res.status(500).send('x');\n});\n`);
    expect(u).toMatchObject({ next: 'next', sends: [5], late: ['send@5 after next@4'] });
  });

  it('four parameters with a default or rest one (`fn.length` below 4): which holds what is unknown, no linear facts', () => {
    const src = `${EXPRESS}app.use((err, req, res, next = () => {}) => {\n  res.send('x');\n  next();\n  next();\n});\n`;
    expect(factsOf(src).units.map((u) => [u.framework, u.handler?.lateCompletions, u.handler?.responseSends])).toEqual([['express', undefined, undefined]]);
    // Only error-handler-arity's report (`fn.length` is 3): the linear rules stay silent.
    expect(reportsOf(src)).toEqual(['error-handler-arity@3']);
  });

  it('`app.param` callbacks `(req, res, next, value)` are never error handlers, inline or by name', () => {
    const inline = linear(`${EXPRESS}app.param('id', (req, res, next, id) => {\n  res.sendStatus(404);\n  next();\n});\n`);
    expect(inline).toMatchObject([{ next: 'next', sends: [4], late: ['next@5 after send@4'] }]);
    const named = linear(`${EXPRESS}function load(req, res, next, id) {\n  next();\n}\napp.param('id', load);\n`);
    expect(named).toMatchObject([{ name: 'load', next: 'next', sends: [] }]);
  });

  it("Connect's response is Node's: `end` sends, also after `writeHead(...)`/`setHeader(...)`; Express's methods are no sends there", () => {
    const [u] = linear(`${CONNECT}app.use((req, res, next) => {\n  res.writeHead(200).end('a');\n  res.json({});\n  res.end();\n});\n`, '/virtual/app.js');
    expect(u).toMatchObject({ framework: 'connect', sends: [4, 6], late: ['send@6 after send@4'] });
  });
});

describe('Linear flow facts', () => {
  it('records sends on the response parameter and chains of its chainable methods', () => {
    const src = `${EXPRESS}app.use((req, res, next) => {\n  res.status(404).set('X', 'y').json({});\n  res.type('html').render('page', { a: 1 });\n  res.redirect('/');\n  res.sendStatus(204);\n  res.write('chunk');\n  res.status(200);\n  other.json({});\n});\n`;
    expect(linear(src)[0]!.sends).toEqual([4, 5, 6, 7]);
  });

  it('`res.render(view, callback)` hands the page to the callback and sends nothing', () => {
    const src = `${EXPRESS}app.use((req, res, next) => {\n  res.render('a', (err, html) => res.send(html));\n  res.render('b', {}, done);\n  next();\n});\n`;
    expect(linear(src)[0]).toMatchObject({ sends: [], late: [] });
  });

  it('a `return` right after a completion ends the path; if/else branches complete once each', () => {
    const src = `${EXPRESS}app.use((req, res, next) => {\n  if (!req.user) return res.status(401).end();\n  if (req.query.a) { next(); } else { res.send('b'); }\n});\n`;
    expect(linear(src)[0]).toMatchObject({ late: [], exits: ['return@4:1', 'implicit@6:1'] });
  });

  it('counts completions at each exit (2 means 2 or more), and tells a completion that ends a branch', () => {
    const src = `${EXPRESS}app.use((req, res, next) => {\n  if (req.query.debug) {\n    next();\n  }\n  next();\n});\n`;
    expect(linear(src)[0]).toMatchObject({ late: ['next@7 after next@5!'], exits: ['implicit@8:1/2'] });
  });

  it('a call inside a loop completes again on the next pass', () => {
    const src = `${EXPRESS}app.use((req, res, next) => {\n  for (const f of files) res.sendFile(f);\n});\n`;
    expect(linear(src)[0]!.late).toEqual(['send@4 after send@4']);
  });

  it('a send or a `next` call that raised completed nothing: a `catch` after it may complete', () => {
    const src = `${EXPRESS}app.use(async (req, res, next) => {\n  try {\n    res.json(await load());\n  } catch (err) {\n    next(err);\n  }\n});\n`;
    expect(linear(src)[0]!.late).toEqual([]);
    // Something after the send that raises: the catch runs after the response went out.
    const after = `${EXPRESS}app.use(async (req, res, next) => {\n  try {\n    res.json(await load());\n    await audit(req);\n  } catch (err) {\n    next(err);\n  }\n});\n`;
    expect(linear(after)[0]!.late).toEqual(['next@8 after send@5']);
  });

  it('callbacks, promise chains and streams are not this function: their completions are not counted', () => {
    const src = `${EXPRESS}app.use((req, res, next) => {\n  load().then(() => next()).catch(next);\n  fs.readFile(p, (e, d) => { if (e) return next(e); res.send(d); });\n  stream.pipe(res);\n});\n`;
    expect(linear(src)[0]).toMatchObject({ sends: [], late: [], exits: ['implicit@7:0'] });
  });

  it('a local named like the response parameter (shadowing or reassigned) turns the send facts off', () => {
    const shadow = `${EXPRESS}app.use(async (req, res, next) => {\n  {\n    const res = await fetch(url);\n    req.body = await res.json();\n  }\n  next();\n});\n`;
    expect(linear(shadow)[0]).toMatchObject({ sends: [], late: [] });
    const reassigned = `${EXPRESS}app.use((req, res, next) => {\n  res.json({});\n  res = wrap(res);\n  next();\n});\n`;
    expect(linear(reassigned)[0]).toMatchObject({ sends: [], late: [] });
    // Writing a member of the response is no rebinding.
    const locals = `${EXPRESS}app.use((req, res, next) => {\n  res.locals.user = req.user;\n  res.json({});\n  next();\n});\n`;
    expect(linear(locals)[0]).toMatchObject({ sends: [5], late: ['next@6 after send@5'] });
  });

  it('onion and Django summaries carry no linear facts', () => {
    const koa = factsOf("import Koa from 'koa';\nnew Koa().use(async (ctx, next) => { await next(); });").units[0]!.handler!;
    expect(koa.responseSends).toBeUndefined();
    expect(koa.lateCompletions).toBeUndefined();
    expect(koa.exits.every((e) => e.completions === undefined)).toBe(true);
  });
});

describe('Linear rules', () => {
  it('respond-once: send then next, send twice, next(err) then send; each at the second completion', () => {
    const src = `${EXPRESS}app.use((req, res, next) => {\n  if (!req.user) {\n    res.status(401).json({});\n  }\n  next();\n});\napp.use((req, res, next) => {\n  if (req.query.a) res.send('a');\n  res.send('b');\n});\napp.use((err, req, res, next) => {\n  if (res.headersSent) next(err);\n  res.status(500).end();\n});\n`;
    expect(reportsOf(src)).toEqual(['respond-once@7', 'respond-once@11', 'respond-once@15']);
  });

  it('no-double-next: two `next` calls on one path, reported at the second', () => {
    expect(reportsOf(`${EXPRESS}app.use((req, res, next) => {\n  if (req.query.id === '0') next('route');\n  next();\n});\n`)).toEqual(['no-double-next@5']);
  });

  it('call-next: `next` referenced, never called, never handed on', () => {
    expect(reportsOf(`${EXPRESS}app.use((req, res, next) => {\n  res.set('A', 'b');\n  return next;\n});\n`)).toEqual(['call-next@5']);
    expect(reportsOf(`${EXPRESS}app.use((req, res, next) => {\n  res.set('A', 'b');\n  setTimeout(next, 5);\n});\n`)).toEqual([]);
  });

  it('a terminal handler, a short-circuit and `await next()` are correct', () => {
    const src = `${EXPRESS}app.get('/', (req, res, next) => {\n  res.send('hi');\n});\napp.use((req, res, next) => {\n  if (req.path === '/x') return res.sendStatus(404);\n  next();\n});\napp.use(async (req, res, next) => {\n  await next();\n});\n`;
    expect(reportsOf(src)).toEqual([]);
  });

  it('messages name the framework, the earlier completion and the runtime failure; `return` is suggested where it ends that path', () => {
    const text = `${CONNECT}app.use((req, res, next) => {\n  if (req.method === 'OPTIONS') {\n    res.end();\n  }\n  next();\n});\n`;
    const [result] = lint([{ path: '/virtual/app.js', text }], { config: defaultConfig() });
    const [d] = result!.diagnostics;
    expect(d!.ruleId).toBe('onion/respond-once');
    expect(d!.message).toContain('Connect middleware `app.use(…)` can call `next()` here after `res.end()` (line 5) sent the response');
    expect(d!.message).toContain('Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client');
    expect(d!.suggestions?.map((s) => s.fix)).toEqual([{ range: { start: text.indexOf('res.end()'), end: text.indexOf('res.end()') }, text: 'return ' }]);
  });

  it('no `return` suggestion where it would cut off more than the path (a call in a `try` followed by other work)', () => {
    const text = `${EXPRESS}app.use((req, res, next) => {\n  try {\n    next();\n    metrics.count();\n  } catch (err) {\n    next(err);\n  }\n});\n`;
    const [result] = lint([{ path: '/virtual/app.ts', text }], { config: defaultConfig() });
    expect(result!.diagnostics.map((d) => [d.ruleId, d.suggestions?.length ?? 0])).toEqual([['onion/no-double-next', 0]]);
  });
});

describe('Express apps written the way its own examples write them', () => {
  it('`var app = module.exports = express()`: the app is the value assigned last', () => {
    const src = "var express = require('express');\nvar app = module.exports = express();\napp.use(function (req, res, next) {\n  res.send('hi');\n  next();\n});\n";
    expect(factsOf(src, '/virtual/app.js').units.map((u) => u.framework)).toEqual(['express']);
    expect(reportsOf(src, '/virtual/app.js')).toEqual(['respond-once@5']);
  });
});

describe('Linear precision: no evidence, no judgement', () => {
  it('a `(req, res, next)` function in a file that imports neither Express nor Connect', () => {
    expect(reportsOf('export function mw(req, res, next) {\n  res.send(1);\n  next();\n  next();\n}\n')).toEqual([]);
  });

  it('`use` of an object not built from Express (a Koa app beside it)', () => {
    const src = "import express from 'express';\nimport Koa from 'koa';\nconst koa = new Koa();\nkoa.use((req, res, next) => { res.send(1); return next(); });\n";
    expect(linear(src)).toEqual([]);
  });
});

describe('Express and Connect fixtures exercise linear units', () => {
  it('every express-* and connect-* case holds a unit of that framework (so its silence is a judgement)', () => {
    // error-handler-arity's cases include look-alikes that are no unit on purpose (test/express-errors.test.ts).
    const cases = allFixtureCases().filter((c) => c.rule !== 'error-handler-arity' && (c.name.startsWith('express-') || c.name.startsWith('connect-')));
    expect(cases.length).toBeGreaterThanOrEqual(120);
    for (const c of cases) {
      const framework = c.name.startsWith('express-') ? 'express' : 'connect';
      const units = c.files.flatMap((f) => factsOf(f.text, f.path).units.filter((u) => u.framework === framework));
      expect({ case: `${c.rule}/${c.kind}/${c.name}`, units: units.length > 0 }).toEqual({ case: `${c.rule}/${c.kind}/${c.name}`, units: true });
    }
  });
});
