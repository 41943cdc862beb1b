import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions } from '../src/engine.js';
import { allFixtureCases } from './fixture-cases.js';
import { factsOf, reportsOf } from './helpers.js';

/** The Nest units of a file: name, kind, framework, contract, evidence, next parameter and handler name. */
function nestUnits(text: string, path = '/virtual/app.module.ts') {
  return factsOf(text, path)
    .units.filter((u) => u.framework !== undefined)
    .map((u) => ({ name: u.name, kind: u.kind, framework: u.framework, contract: u.contract, evidence: u.evidence, next: u.nextParam?.name, handler: u.handler?.name }));
}

const unit = (name: string, handler = name, next = 'next') => ({ name, kind: 'function', framework: 'nest', contract: 'linear', evidence: 'framework', next, handler });

const LOGGER = `import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class LoggerMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    console.log('Request...');
    next();
  }
}
`;

describe('NestJS detection: class middleware', () => {
  it('`@Injectable()` class implementing `NestMiddleware` from @nestjs/common: the unit is the class, its handler `use`', () => {
    expect(nestUnits(LOGGER, '/virtual/logger.middleware.ts')).toEqual([unit('LoggerMiddleware', 'LoggerMiddleware.use')]);
  });

  it('the interface through a namespace import, and a class registered by name with `consumer.apply` without `implements`', () => {
    const ns = "import * as common from '@nestjs/common';\nexport class AuthMiddleware implements common.NestMiddleware {\n  use(req: any, res: any, next: () => void) { next(); }\n}\n";
    expect(nestUnits(ns)).toEqual([unit('AuthMiddleware', 'AuthMiddleware.use')]);
    const applied = "import { Module, MiddlewareConsumer, NestModule } from '@nestjs/common';\nclass CorsMiddleware {\n  use(req, res, next) { res.setHeader('Access-Control-Allow-Origin', '*'); next(); }\n}\n@Module({})\nexport class AppModule implements NestModule {\n  configure(consumer: MiddlewareConsumer) {\n    consumer.apply(CorsMiddleware).forRoutes('*');\n  }\n}\n";
    expect(nestUnits(applied)).toEqual([unit('CorsMiddleware', 'CorsMiddleware.use')]);
  });

  it('not middleware: an `@Injectable()` service with a `use` method, a class implementing another `NestMiddleware`, a `use` without next', () => {
    expect(nestUnits("import { Injectable } from '@nestjs/common';\n@Injectable()\nexport class Pool {\n  use(conn, opts, done) { done(); }\n}\n")).toEqual([]);
    expect(nestUnits("import { NestMiddleware } from './my-types';\nexport class M implements NestMiddleware {\n  use(req, res, next) { next(); }\n}\n")).toEqual([]);
    expect(nestUnits("import { Injectable, NestMiddleware } from '@nestjs/common';\n@Injectable()\nexport class Ender implements NestMiddleware {\n  use(req, res) { res.end(); }\n}\n")).toEqual([]);
  });
});

describe('NestJS detection: functional middleware', () => {
  it('a function given to `consumer.apply(...)` of `configure(consumer: MiddlewareConsumer)`', () => {
    const src = "import { Module, MiddlewareConsumer, NestModule } from '@nestjs/common';\nimport { Request, Response, NextFunction } from 'express';\nexport function logger(req: Request, res: Response, next: NextFunction) {\n  console.log('Request...');\n  next();\n}\n@Module({})\nexport class AppModule implements NestModule {\n  configure(consumer: MiddlewareConsumer) {\n    consumer.apply(logger).forRoutes('cats');\n  }\n}\n";
    expect(nestUnits(src)).toEqual([unit('logger')]);
  });

  it('a function given to `app.use(...)` where `app = await NestFactory.create(...)` (@nestjs/core)', () => {
    const src = "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nfunction requestId(req, res, next) {\n  res.setHeader('X-Request-Id', '1');\n  next();\n}\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.use(requestId);\n  app.use((req, res, next) => { next(); });\n  await app.listen(3000);\n}\nbootstrap();\n";
    expect(nestUnits(src, '/virtual/main.ts')).toEqual([unit('requestId'), unit('app.use(…)')]);
  });

  it('not evidence: `consumer` untyped or typed with another module, `create` of something else, a function never registered', () => {
    expect(nestUnits("export class AppModule {\n  configure(consumer) {\n    consumer.apply((req, res, next) => next());\n  }\n}\n")).toEqual([]);
    expect(nestUnits("import type { MiddlewareConsumer } from './types';\nexport class AppModule {\n  configure(consumer: MiddlewareConsumer) {\n    consumer.apply((req, res, next) => next());\n  }\n}\n")).toEqual([]);
    expect(nestUnits("import { Factory } from './factory';\nasync function main() {\n  const app = await Factory.create({});\n  app.use((req, res, next) => next());\n}\n")).toEqual([]);
    expect(nestUnits("import { NestFactory } from '@nestjs/core';\nexport function helper(req, res, next) { next(); }\n")).toEqual([]);
  });

  it('the pre-filter keeps a Nest file that imports only @nestjs/common: linted as the CLI does, it still yields the unit', () => {
    const facts = extractFacts('/virtual/logger.middleware.ts', LOGGER, frontendOptions(defaultConfig()), 'auto');
    expect(facts.dormant).toBeUndefined();
    expect(facts.units.map((u) => u.framework)).toEqual(['nest']);
  });

  it('no rule of the Django or onion contracts judges a Nest unit', () => {
    // Never calls next and returns nothing: a call-next/return-response report for Django; Nest's linear rules come separately.
    expect(reportsOf("import { Injectable, NestMiddleware } from '@nestjs/common';\n@Injectable()\nexport class Deny implements NestMiddleware {\n  use(req, res, next) { res.status(403).send('no'); }\n}\n")).toEqual([]);
  });
});

describe('Nest fixtures of the linear rules', () => {
  const rules = ['call-next', 'no-double-next', 'respond-once'];
  const nestCases = allFixtureCases().filter((c) => rules.includes(c.rule) && c.name.startsWith('nest-'));

  it('hold at least 8 invalid and 12 valid cases for each of respond-once, no-double-next and call-next', () => {
    for (const rule of rules) {
      const of = (kind: string) => nestCases.filter((c) => c.rule === rule && c.kind === kind).length;
      expect({ rule, valid: of('valid') >= 12, invalid: of('invalid') >= 8 }).toEqual({ rule, valid: true, invalid: true });
    }
  });

  it('every case holds a Nest unit (so its silence is a judgement)', () => {
    for (const c of nestCases) {
      const label = `${c.rule}/${c.kind}/${c.name}`;
      expect({ label, nest: c.files.some((f) => factsOf(f.text, f.path).units.some((u) => u.framework === 'nest')) }).toEqual({ label, nest: true });
    }
  });
});
