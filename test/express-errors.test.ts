import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint } from '../src/engine.js';
import { applyFixes } from '../src/fix.js';
import { expressMajorOfManifest } from '../src/link/express-version.js';
import { diskHost, factsOf, reportsOf } from './helpers.js';

/** The error-handler facts of a file's Express/Connect units. */
function errorUnits(text: string, path = '/virtual/app.js') {
  return factsOf(text, path)
    .units.filter((u) => u.framework === 'express' || u.framework === 'connect')
    .map((u) => ({ name: u.name, framework: u.framework, next: u.nextParam?.name, evidence: u.errorHandler?.evidence, length: u.handler?.signature?.positional.length }));
}

const lintOne = (text: string, path = '/virtual/app.js') => lint([{ path, text }], { config: defaultConfig() })[0]!;

const EXPRESS = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send('hi'));\n";

describe('error-handler-arity: which functions are error middleware', () => {
  it('a first parameter named `err` given to `app.use`: an error handler whose next layer is the fourth parameter', () => {
    expect(errorUnits(`${EXPRESS}app.use((err, req, res, next) => { res.status(500).send('x'); });\n`)).toEqual([
      { name: 'app.use(…)', framework: 'express', next: 'next', evidence: 'parameter', length: 4 },
    ]);
    // Three parameters: a unit without a next layer (before, `res` was taken for it).
    expect(errorUnits(`${EXPRESS}app.use((err, req, res) => { res.status(500).send('x'); });\n`)).toEqual([
      { name: 'app.use(…)', framework: 'express', next: undefined, evidence: 'parameter', length: 3 },
    ]);
  });

  it('typed `ErrorRequestHandler` (express) or `ErrorHandleFunction` (connect), registered or not', () => {
    const ts = "import type { ErrorRequestHandler } from 'express';\nexport const onError: ErrorRequestHandler = (err, req, res) => { res.sendStatus(500); };\n";
    expect(errorUnits(ts, '/virtual/errors.ts')).toEqual([{ name: 'onError', framework: 'express', next: undefined, evidence: 'type', length: 3 }]);
    const connect = "import type { ErrorHandleFunction } from 'connect';\nexport function handler(): ErrorHandleFunction {\n  return (err, req, res) => { res.end('x'); };\n}\n";
    expect(errorUnits(connect, '/virtual/errors.ts')).toEqual([{ name: 'handler', framework: 'connect', next: undefined, evidence: 'type', length: 3 }]);
  });

  it('`use`d after the routes and reading `x.message`: an error handler whatever its first parameter is called', () => {
    const src = `${EXPRESS}app.use((problem, req, res) => { res.status(problem.status || 500).send(problem.message); });\n`;
    expect(errorUnits(src)).toEqual([{ name: 'app.use(…)', framework: 'express', next: undefined, evidence: 'late', length: 3 }]);
    expect(reportsOf(src, '/virtual/app.js')).toEqual(['error-handler-arity@4']);
  });

  it('silent: normal middleware, four-parameter handlers, a request first, look-alikes outside Express', () => {
    expect(reportsOf(`${EXPRESS}app.use((req, res, next) => { next(); });\n`, '/virtual/app.js')).toEqual([]);
    expect(reportsOf(`${EXPRESS}app.use((err, req, res, next) => { res.status(500).end(); });\n`, '/virtual/app.js')).toEqual([]);
    // Registered before any route and reading `.status` of something that may be a request-like object: no proof.
    expect(reportsOf("const express = require('express');\nconst app = express();\napp.use((thing, res, next) => { if (thing.status) next(); else next(); });\n", '/virtual/app.js')).toEqual([]);
    // A request first, even after the routes and even reading a member errors also have.
    expect(reportsOf(`${EXPRESS}app.use((req, res, next) => { console.log(req.message); next(); });\n`, '/virtual/app.js')).toEqual([]);
    // `statusCode` is a member of requests too (`IncomingMessage`): no proof that the first parameter is an error.
    expect(reportsOf(`${EXPRESS}app.use((r, res) => { res.status(r.statusCode || 404).end(); });\n`, '/virtual/app.js')).toEqual([]);
    // `(err, req, res)` given to something that is not Express: a callback.
    expect(reportsOf("import { pipeline } from 'node:stream';\npipeline(a, b, (err, req, res) => { if (err) console.error(err); });\n", '/virtual/app.js')).toEqual([]);
    expect(reportsOf("import express from 'express';\nfs.readFile('x', (err, data) => {});\nexport function cb(err, req, res) { return err; }\n", '/virtual/app.js')).toEqual([]);
    // `app.param` callbacks take `(req, res, next, value)`: four parameters that are no error handler.
    expect(reportsOf(`${EXPRESS}app.param('id', (e, res, next) => { next(); });\n`, '/virtual/app.js')).toEqual([]);
  });

  it('counts as `Function.length` does: a default or rest parameter stops the count, `this` is not counted', () => {
    expect(reportsOf(`${EXPRESS}app.use((err, req, res, next = () => {}) => { res.status(500).end(); });\n`, '/virtual/app.js')).toEqual(['error-handler-arity@4']);
    expect(reportsOf(`${EXPRESS}app.use((err, ...rest) => { rest[1].status(500).end(); });\n`, '/virtual/app.js')).toEqual(['error-handler-arity@4']);
    expect(reportsOf("import express from 'express';\nconst app = express();\napp.use(function (this: unknown, err: Error, req: express.Request, res: express.Response, next: express.NextFunction) { res.end(); });\n")).toEqual([]);
  });
});

describe('error-handler-arity: fixes', () => {
  const fixed = (text: string, path = '/virtual/app.js') => {
    const result = lintOne(text, path);
    return applyFixes(text, result.diagnostics.flatMap((d) => (d.fix ? [d.fix] : []))).output;
  };

  it('appends `_next`, and `_res` too after `(err, req)`', () => {
    expect(fixed(`${EXPRESS}app.use((err, req, res) => { res.status(500).end(); });\n`)).toContain('app.use((err, req, res, _next) =>');
    expect(fixed(`${EXPRESS}app.use(function (err, req) { req.res.status(500).end(); });\n`)).toContain('function (err, req, _res, _next)');
  });

  it('annotates the added parameter where the others are annotated and nothing types it from outside', () => {
    const src = "import express, { type NextFunction, type Request, type Response } from 'express';\nconst app = express();\nfunction onError(err: Error, req: Request, res: Response) { res.status(500).end(); }\napp.use(onError);\n";
    expect(fixed(src, '/virtual/app.ts')).toContain('function onError(err: Error, req: Request, res: Response, _next: NextFunction)');
  });

  it('drops a default (`next = noop` → `next`), and no fix where a name is taken or a rest parameter is used', () => {
    expect(fixed(`${EXPRESS}app.use((err, req, res, next = noop) => { res.status(500).end(); });\n`)).toContain('app.use((err, req, res, next) =>');
    const taken = `${EXPRESS}app.use((err, req, res) => { const _next = 1; res.status(500).end(); });\n`;
    expect(fixed(taken)).toBe(taken);
  });
});

describe('Express 4 or 5, from the nearest package.json', () => {
  it('reads `express`, else `@nestjs/platform-express`; unknown for ranges spanning majors', () => {
    expect(expressMajorOfManifest('{"dependencies":{"express":"^4.21.2"}}')).toBe(4);
    expect(expressMajorOfManifest('{"devDependencies":{"express":"~5.1.0"}}')).toBe(5);
    expect(expressMajorOfManifest('{"dependencies":{"express":"5.x"}}')).toBe(5);
    expect(expressMajorOfManifest('{"dependencies":{"express":">=4"}}')).toBeUndefined();
    expect(expressMajorOfManifest('{"dependencies":{"express":"latest"}}')).toBeUndefined();
    expect(expressMajorOfManifest('{"dependencies":{"@nestjs/platform-express":"^10.4.0"}}')).toBe(4);
    expect(expressMajorOfManifest('{"dependencies":{"@nestjs/platform-express":"^11.0.1"}}')).toBe(5);
    expect(expressMajorOfManifest('{"dependencies":{"koa":"^3"}}')).toBeUndefined();
    expect(expressMajorOfManifest('not json')).toBeUndefined();
  });

  it("names the version's source in the message; unknown says what is true for both", () => {
    const dir = mkdtempSync(join(tmpdir(), 'onionlint-express-'));
    const src = `${EXPRESS}app.use((err, req, res) => { res.status(500).end(); });\n`;
    const messageIn = (manifest: string | undefined) => {
      const project = mkdtempSync(join(dir, 'p-'));
      mkdirSync(join(project, 'src'));
      if (manifest !== undefined) writeFileSync(join(project, 'package.json'), manifest);
      const path = join(project, 'src', 'app.js');
      writeFileSync(path, src);
      return lint([{ path, text: src }], { config: defaultConfig(), host: diskHost })[0]!.diagnostics[0]!.message;
    };
    expect(messageIn('{"dependencies":{"express":"^4.19.2"}}')).toContain("the test is in Express 4's `Layer.prototype.handle_error`, lib/router/layer.js");
    expect(messageIn('{"dependencies":{"express":"^5.0.0"}}')).toContain("the test is in Express 5's router, lib/layer.js of the `router` package");
    expect(messageIn('{"dependencies":{"express":"*"}}')).toContain("the test is in Express's router layer)");
  });
});
