import { describe, expect, it } from 'vitest';
import { reportsOf } from './helpers.js';

/** Correct code that looks like middleware from afar: every case must stay silent. */
describe('precision: look-alikes and tricky correct code stay silent', () => {
  it('Redux middleware (`store => next => action => ...`) is not Django middleware', () => {
    expect(reportsOf('export const logger = (store) => (next) => (action) => {\n  console.log(action);\n  next(action);\n};')).toEqual([]);
  });

  it('a linked-list node whose constructor takes `next` is not middleware', () => {
    expect(reportsOf('class Node {\n  constructor(next) { this.next = next; }\n  handle(value) { console.log(value); }\n}')).toEqual([]);
  });

  it('a response assigned inside a callback is unknown, not `undefined`', () => {
    const src = `class M {
  constructor(getResponse) { this.getResponse = getResponse; }
  async call(request) {
    let response;
    await new Promise((resolve) => { response = this.getResponse(request); resolve(); });
    return response;
  }
}`;
    expect(reportsOf(src)).toEqual([]);
  });

  it('a block-scoped name does not shadow the outer response after the block', () => {
    const src = `class M {
  constructor(getResponse) { this.getResponse = getResponse; }
  call(request) {
    const response = this.getResponse(request);
    {
      const response = null;
      console.log(response);
    }
    return response;
  }
}`;
    expect(reportsOf(src)).toEqual([]);
  });

  it('a class with a `call` method but no next layer is ignored', () => {
    expect(reportsOf('class Phone {\n  call(number) { dial(number); }\n}')).toEqual([]);
  });

  it('a generator named `handle` is not a handler', () => {
    expect(reportsOf('class M {\n  constructor(getResponse) { this.getResponse = getResponse; }\n  *handle(request) { yield 1; }\n}')).toEqual([]);
  });

  it('the same mistakes are reported once the shapes are real middleware', () => {
    expect(reportsOf('class M {\n  constructor(getResponse) { this.getResponse = getResponse; }\n  call(request) {\n    this.getResponse(request);\n  }\n}')).toEqual(['return-response@5']);
  });

  it('a constructor inherited through a bare intermediate class still makes a middleware', () => {
    const src = 'class Base {\n  constructor(getResponse) { this.getResponse = getResponse; }\n}\nclass Mid extends Base {}\nclass Sub extends Mid {\n  call(request) {\n    const response = this.getResponse(request);\n    response.x = 1;\n  }\n}\n';
    expect(reportsOf(src)).toEqual(['return-response@9']);
  });

  it('a `(ctx, next)` function with no Koa evidence is never judged, even in a file that imports Koa', () => {
    expect(reportsOf('export const mw = async (ctx, next) => {\n  next();\n  next();\n};')).toEqual([]);
    expect(reportsOf("import Koa from 'koa';\nexport const app = new Koa();\nexport const mw = async (ctx, next) => {\n  next();\n  await next;\n};\n[1].reduce((acc, next) => { next; return acc; }, 0);")).toEqual([]);
  });

  it('Redux middleware beside a Koa app is not Koa middleware', () => {
    expect(reportsOf("const Koa = require('koa');\nconst app = new Koa();\nconst thunk = (store) => (next) => (action) => { next(action); next(action); };\nmodule.exports = { app, thunk };", '/virtual/app.js')).toEqual([]);
  });

  it('the same Koa mistakes are reported once Koa registers the function', () => {
    expect(reportsOf("import Koa from 'koa';\nexport const app = new Koa();\nexport const mw = async (ctx, next) => {\n  next();\n};\napp.use(mw);")).toEqual(['await-next@4']);
  });
});
