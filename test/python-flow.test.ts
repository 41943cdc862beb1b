import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint } from '../src/engine.js';
import { ensurePythonParser } from '../src/frontends/python/index.js';

/*
 * The Python flow walker (src/frontends/python/flow.ts) and the unit facts it feeds, on the
 * constructs the Python fixtures found wrong: each test shows one proof the rules rely on, through
 * lint(), as `rule@line` reports. Correct code must stay silent; the mistake must be reported.
 */

beforeAll(async () => {
  await ensurePythonParser();
});

const py = (lines: string[]): string => `${lines.join('\n')}\n`;

/** Every report on one module, as `rule@line`. */
function reports(text: string, path = '/proj/app/middleware.py'): string[] {
  const [result] = lint([{ path, text }], { config: defaultConfig() });
  return result!.diagnostics.map((d) => `${d.ruleId?.replace('onion/', '') ?? 'fatal'}@${text.slice(0, d.range.start).split('\n').length}`);
}

describe('Python flow: delegation to methods of the class', () => {
  const klass = (helper: string[]): string =>
    py([
      'from django.http import HttpResponse',
      'class CounterMiddleware:',
      '    def __init__(self, get_response):',
      '        self.get_response = get_response',
      '    def __call__(self, request):',
      '        self.count(request)',
      '        return self.page(request)',
      '    def count(self, request):',
      '        request.counted = True',
      ...helper,
    ]);

  it('a handler whose own helpers never reach the next layer is a call-next report', () => {
    expect(reports(klass(['    def page(self, request):', '        return HttpResponse("hits")']))).toEqual(['call-next@5']);
  });

  it('a helper that calls the next layer, directly or through another helper, is delegation', () => {
    expect(reports(klass(['    def page(self, request):', '        return self.get_response(request)']))).toEqual([]);
    expect(reports(klass(['    def page(self, request):', '        return self.inner(request)', '    def inner(self, request):', '        return self.get_response(request)']))).toEqual([]);
  });

  it('a method the class does not declare (inherited) or super() may reach it', () => {
    expect(reports(klass(['    def page(self, request):', '        return self.render_page(request)']))).toEqual([]);
    expect(reports(klass(['    def page(self, request):', '        return super().__call__(request)']))).toEqual([]);
  });

  it('mutually recursive helpers that never reach it are still a report', () => {
    expect(reports(klass(['    def page(self, request):', '        return self.again(request)', '    def again(self, request):', '        return self.page(request)']))).toEqual(['call-next@5']);
  });
});

describe('Python units: the inner function a factory returns', () => {
  it('`return markcoroutinefunction(middleware)` returns the async inner function', () => {
    const text = py([
      'from asgiref.sync import markcoroutinefunction',
      'from django.utils.decorators import async_only_middleware',
      '@async_only_middleware',
      'def nosniff(get_response):',
      '    async def middleware(request):',
      '        response = get_response(request)',
      '        response["X-Content-Type-Options"] = "nosniff"',
      '        return await response',
      '    return markcoroutinefunction(middleware)',
    ]);
    expect(reports(text)).toEqual(['await-next@7']);
    // Without the decorator the flags say sync: Django adapts the async function wrongly (async-capable).
    expect(reports(text.replace('@async_only_middleware\n', ''))).toEqual(['async-capable@3', 'await-next@6']);
    expect(reports(text.replace('response = get_response(request)', 'response = await get_response(request)').replace('return await response', 'return response'))).toEqual([]);
  });
});

describe('Python flow: del statements', () => {
  const asyncClass = (body: string[]): string =>
    py([
      'from asgiref.sync import markcoroutinefunction',
      'class ServerHeaderMiddleware:',
      '    async_capable = True',
      '    sync_capable = False',
      '    def __init__(self, get_response):',
      '        self.get_response = get_response',
      '        markcoroutinefunction(self)',
      '    async def __call__(self, request):',
      ...body,
    ]);

  it('`del response["Server"]` on the un-awaited coroutine is an await-next report', () => {
    expect(reports(asyncClass(['        response = self.get_response(request)', '        del response["Server"]', '        return await response']))).toEqual(['await-next@10']);
    expect(reports(asyncClass(['        response = self.get_response(request)', '        del response.headers["Server"], request.stale', '        return await response']))).toEqual(['await-next@10']);
  });

  it('a deletion is a fact of the front-end (kind `delete`), whatever else the statement deletes first', () => {
    const text = asyncClass(['        response = self.get_response(request)', '        del request.stale, response["Server"]', '        return await response']);
    const uses = extractFacts('/proj/app/middleware.py', text, frontendOptions(defaultConfig())).units[0]!.handler!.unawaitedUses;
    expect(uses.map((u) => `${u.kind} ${u.member}`)).toEqual(['delete Server']);
    const [message] = lint([{ path: '/proj/app/middleware.py', text }], { config: defaultConfig() })[0]!.diagnostics.map((d) => d.message);
    expect(message).toContain("deletes `Server`");
    expect(message).toContain("TypeError: 'coroutine' object doesn't support item deletion");
  });

  it('after await, `del` on the response is fine, and `del x` of a local still unbinds it', () => {
    expect(reports(asyncClass(['        response = await self.get_response(request)', '        del response["Server"]', '        return response']))).toEqual([]);
    expect(reports(asyncClass(['        response = await self.get_response(request)', '        alias = response', '        del alias', '        return response']))).toEqual([]);
  });
});

describe('Python units: dynamic dispatch on self', () => {
  it('`getattr(self, ...)` or `self` passed to a helper may reach the next layer: no call-next report', () => {
    const text = (call: string): string =>
      py([
        'class MethodDispatchMiddleware:',
        '    def __init__(self, get_response):',
        '        self.get_response = get_response',
        '    def __call__(self, request):',
        `        ${call}`,
        '    def handle_get(self, request):',
        '        return self.get_response(request)',
      ]);
    expect(reports(text('return getattr(self, "handle_" + request.method.lower())(request)'))).toEqual([]);
    expect(reports(text('return dispatch(self, request)'))).toEqual([]);
  });
});

describe('Python flow: one exit record per return, however often the walk passes it', () => {
  // tree-sitter hands out a new node object on every access: a return walked twice (a finally block
  // walked once per way in, a loop body once per fixpoint pass) must still be one exit.
  it('a return inside a finally block joins its walks: no report where the next layer may have raised', () => {
    const text = py([
      'from django.http import HttpResponse',
      'class AbortMiddleware:',
      '    def __init__(self, get_response):',
      '        self.get_response = get_response',
      '    def __call__(self, request):',
      '        try:',
      '            response = self.get_response(request)',
      '        finally:',
      '            if request.aborted:',
      '                return HttpResponse(status=499)',
      '        return response',
    ]);
    expect(reports(text)).toEqual([]);
    const [result] = lint([{ path: '/proj/app/middleware.py', text }], { config: defaultConfig() });
    expect(result!.diagnostics).toEqual([]);
  });

  it('a return in a loop body is one exit, joined over the passes', () => {
    const text = py([
      'from django.http import HttpResponseForbidden',
      'class RulesMiddleware:',
      '    def __init__(self, get_response):',
      '        self.get_response = get_response',
      '        self.rules = []',
      '    def __call__(self, request):',
      '        response = self.get_response(request)',
      '        for rule in self.rules:',
      '            if rule.blocks(request):',
      '                return HttpResponseForbidden()',
      '            response = rule.apply(response)',
      '        return response',
    ]);
    expect(reports(text)).toEqual([]);
  });

  it('a self.<member> call in a loop is one call site for store-next', () => {
    const text = py([
      'class RetryMiddleware:',
      '    def __init__(self, get_response):',
      '        self.get_respnose = get_response',
      '    def __call__(self, request):',
      '        for attempt in range(2):',
      '            request.attempt = attempt',
      '            response = self.get_response(request)',
      '            if response.status_code < 500:',
      '                return response',
      '        return response',
    ]);
    const facts = extractFacts('/proj/app/middleware.py', text, frontendOptions(defaultConfig()));
    expect(facts.units[0]!.handler!.thisCalls.map((c) => c.name)).toEqual(['get_response']);
  });
});

describe('Python flow: container literals are not responses', () => {
  const klass = (ret: string): string =>
    py([
      'class FlaskStyleMiddleware:',
      '    def __init__(self, get_response):',
      '        self.get_response = get_response',
      '    def __call__(self, request):',
      '        response = self.get_response(request)',
      `        ${ret}`,
    ]);

  it('`return response, 200` (a tuple) is a return-response report', () => {
    expect(reports(klass('return response, 200'))).toEqual(['return-response@6']);
    expect(reports(klass('return [response]'))).toEqual(['return-response@6']);
    expect(reports(klass('return {"response": response}'))).toEqual(['return-response@6']);
  });

  it('a container built and indexed stays unknown; the response itself is fine', () => {
    expect(reports(klass('return [response][0]'))).toEqual([]);
    expect(reports(klass('return (response)'))).toEqual([]);
  });
});
