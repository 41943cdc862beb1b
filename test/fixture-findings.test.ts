import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint } from '../src/engine.js';
import { reportsOf } from './helpers.js';

/** Engine behaviour pinned while running the rule fixtures (fixtures/README.md). */
describe('findings from the fixture suite', () => {
  it('a first parameter named `next` and typed request → response is the next layer (by type)', () => {
    const src = `class Teapot {
  constructor(private next: (request: Req) => HttpResponse) {}
  handle(request: Req) {
    return new HttpResponse('teapot', { status: 418 });
  }
}`;
    expect(reportsOf(src)).toEqual(['call-next@3']);
    // Untyped, `next` alone is still too weak to call a class middleware.
    expect(reportsOf(src.replace(': (request: Req) => HttpResponse', ''))).toEqual([]);
  });

  it('`super.call(request)` delegates to the base handler: not a call-next report', () => {
    const src = `class Base {
  constructor(getResponse) { this.getResponse = getResponse; }
  call(request) { return this.getResponse(request); }
}
class Bots extends Base {
  call(request) {
    if (request.bot) return new HttpResponse('', { status: 204 });
    return super.call(request);
  }
}`;
    expect(reportsOf(src, '/virtual/mw.js')).toEqual([]);
    // A super call of another method is no delegation of the handler.
    expect(reportsOf(src.replace('super.call(request)', 'super.toString()'), '/virtual/mw.js')).toEqual(['call-next@6']);
  });

  it('a stored next result is dropped on the paths that do not read it before another response', () => {
    const src = `class Ajax {
  constructor(getResponse) { this.getResponse = getResponse; }
  call(request) {
    const response = this.getResponse(request);
    if (request.ajax) {
      return JsonResponse.json({ ok: true });
    }
    return response;
  }
}`;
    expect(reportsOf(src, '/virtual/mw.js')).toEqual(['no-discarded-response@6']);
    // Read first (the status decides), then replaced: a decision, not a discarded response.
    expect(reportsOf(src.replace('request.ajax', 'response.status === 404'), '/virtual/mw.js')).toEqual([]);
    // Read inside a callback that may run first: not provably dropped.
    expect(
      reportsOf(src.replace('if (request.ajax) {', 'request.onDone(() => log(response));\n    if (request.ajax) {'), '/virtual/mw.js'),
    ).toEqual([]);
  });

  it('a handler delegating to a method that calls the next layer is not a call-next report', () => {
    const src = `class Sub {
  constructor(getResponse) { this.getResponse = getResponse; }
  call(request) {
    if (request.www) return HttpResponse.redirect('/');
    return this.forward(request);
  }
  forward(request) { return this.getResponse(request); }
}`;
    expect(reportsOf(src, '/virtual/mw.js')).toEqual([]);
    // An inherited (or otherwise undeclared) method may call it too.
    expect(reportsOf(src.replace(/  forward\(request\)[^\n]*\n/, ''), '/virtual/mw.js')).toEqual([]);
    // A helper of its own that never reaches the next layer proves nothing: still reported.
    expect(reportsOf(src.replace('return this.getResponse(request);', "return new HttpResponse('x');"), '/virtual/mw.js')).toEqual([
      'call-next@3',
    ]);
  });

  it('a subclass passing its first constructor parameter to super passes the next layer, whatever its name', () => {
    const src = `class Base {
  constructor(getResponse) { this.getResponse = getResponse; }
}
class Sub extends Base {
  constructor(inner, options) { super(inner); this.options = options; }
  call(request) { return this.getResponse(request); }
}`;
    expect(reportsOf(src, '/virtual/mw.js')).toEqual([]);
    expect(reportsOf(src.replace('super(inner)', 'super(options)'), '/virtual/mw.js')).toEqual(['store-next@5']);
    expect(reportsOf(src.replace('super(inner)', 'super({ inner })'), '/virtual/mw.js')).toEqual(['store-next@5']);
    expect(reportsOf(src.replace('super(inner)', 'super(wrap(inner))'), '/virtual/mw.js')).toEqual([]);
  });

  it('the return-response fix keeps CRLF line breaks', () => {
    const text = 'class M {\r\n  constructor(getResponse) { this.getResponse = getResponse; }\r\n  call(request) {\r\n    const response = this.getResponse(request);\r\n    response.x = 1;\r\n  }\r\n}\r\n';
    const [result] = lint([{ path: '/virtual/mw.js', text }], { config: defaultConfig() });
    const fix = result!.diagnostics.find((d) => d.ruleId === 'onion/return-response')?.fix;
    expect(fix?.text).toBe('    return response;\r\n');
  });
});
