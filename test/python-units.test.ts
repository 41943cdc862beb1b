import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint } from '../src/engine.js';
import { ensurePythonParser } from '../src/frontends/python/index.js';
import type { FileFacts, Unit } from '../src/model.js';

/*
 * Python middleware units: the shapes of PYTHON.md (b) as facts, and the unit rules on them
 * through lint(). The correct middleware below is written in the shapes of Django's own
 * `django/middleware/*.py` (a security-headers layer, a common-middleware-like redirect, a
 * factory, an async class) and must stay silent.
 */

const options = frontendOptions(defaultConfig());

beforeAll(async () => {
  await ensurePythonParser();
});

function factsOf(text: string, path = '/proj/app/middleware.py'): FileFacts {
  const facts = extractFacts(path, text, options);
  expect(facts.fatal).toBeUndefined();
  return facts;
}

function unit(text: string, name?: string): Unit {
  const units = factsOf(text).units;
  const found = name === undefined ? units[0] : units.find((u) => u.name === name);
  if (!found) throw new Error(`no unit ${name ?? ''} in ${JSON.stringify(units.map((u) => u.name))}`);
  return found;
}

/** The unit rules' reports on one middleware module, as `rule-id: text at the report`. */
function reports(text: string, path = '/proj/app/middleware.py'): string[] {
  const [result] = lint([{ path, text }], { config: defaultConfig() });
  return result!.diagnostics.map((d) => `${d.ruleId?.replace('onion/', '') ?? 'fatal'}: ${text.slice(d.range.start, d.range.end).split('\n')[0]}`);
}

const py = (lines: string[]): string => `${lines.join('\n')}\n`;

const CLASS_OK = py([
  'class TimingMiddleware:',
  '    def __init__(self, get_response):',
  '        self.get_response = get_response',
  '',
  '    def __call__(self, request):',
  '        request.started = 1',
  '        response = self.get_response(request)',
  '        response["X-Timing"] = "1"',
  '        return response',
]);

describe('Python units: facts', () => {
  it('a class with __init__(self, get_response) and __call__(self, request)', () => {
    const u = unit(CLASS_OK);
    expect(u).toMatchObject({ kind: 'class', name: 'TimingMiddleware', evidence: 'name', nextParam: { name: 'get_response' }, nextFields: ['get_response'], nextIsAsync: null });
    expect(u.members).toEqual(expect.arrayContaining(['__call__', 'get_response']));
    const h = u.handler!;
    expect(h).toMatchObject({ name: 'TimingMiddleware.__call__', async: false, requestParam: 'request', nextReferenced: true, nextMembers: ['get_response'] });
    expect(h.nextCallSites).toHaveLength(1);
    expect(h.exits).toEqual([expect.objectContaining({ kind: 'return', value: ['next'], nextCalls: [1], nextResultDropped: false })]);
    expect(h.thisCalls.map((c) => c.name)).toEqual(['get_response']);
    expect(h.requestWritesBeforeNext.map((a) => a.attribute)).toEqual(['started']);
  });

  it('a function factory: the closure\'s get_response(request)', () => {
    const text = py([
      'def timing(get_response):',
      '    def middleware(request):',
      '        response = get_response(request)',
      '        return response',
      '    return middleware',
    ]);
    const u = unit(text);
    expect(u).toMatchObject({ kind: 'factory', name: 'timing', evidence: 'name', nextParam: { name: 'get_response' }, handler: { name: 'timing', requestParam: 'request', nextReferenced: true } });
    expect(u.handler!.exits).toEqual([expect.objectContaining({ kind: 'return', value: ['next'], nextCalls: [1] })]);
    // The inner function is not a factory of its own.
    expect(factsOf(text).units).toHaveLength(1);
  });

  it('an async def __call__: the next result is a coroutine until awaited', () => {
    const u = unit(py([
      'class AsyncMiddleware:',
      '    async_capable = True',
      '    sync_capable = False',
      '    def __init__(self, get_response):',
      '        self.get_response = get_response',
      '        markcoroutinefunction(self)',
      '    async def __call__(self, request):',
      '        response = await self.get_response(request)',
      '        return response',
    ]));
    expect(u.members).toEqual(expect.arrayContaining(['async_capable', 'sync_capable']));
    expect(u.handler).toMatchObject({ async: true, unawaitedUses: [] });
    expect(u.handler!.exits).toEqual([expect.objectContaining({ value: ['next'], nextCalls: [1] })]);
  });

  it('a MiddlewareMixin subclass: evidence base, hooks mapped, no handler of its own', () => {
    const u = unit(py([
      'from django.utils.deprecation import MiddlewareMixin',
      '',
      'class HeaderMiddleware(MiddlewareMixin):',
      '    def process_request(self, request):',
      '        return None',
      '    def process_response(self, request, response):',
      '        response["X-Frame-Options"] = "DENY"',
      '        return response',
      '    def process_view(self, request, view_func, view_args, view_kwargs):',
      '        return None',
      '    def process_exception(self, request, exception):',
      '        return None',
      '    def process_template_response(self, request, response):',
      '        return response',
    ]));
    expect(u).toMatchObject({ kind: 'class', evidence: 'base', base: { name: 'MiddlewareMixin' }, nextFields: [], mixinBase: true });
    expect(u.handler).toBeUndefined();
    expect(Object.keys(u.hooks).sort()).toEqual(['processException', 'processRequest', 'processResponse', 'processTemplateResponse', 'processView']);
    // process_response's second parameter holds the response; process_request returning None continues.
    expect(u.hooks.processResponse!.exits).toEqual([expect.objectContaining({ value: ['response'] })]);
    expect(u.hooks.processRequest!.exits).toEqual([expect.objectContaining({ value: ['nothing'] })]);
    expect(u.hooks.processTemplateResponse!.exits).toEqual([expect.objectContaining({ value: ['response'] })]);
    expect(u.hooks.processView!.exits).toEqual([expect.objectContaining({ value: ['nothing'] })]);
  });

  it('a class whose __init__ is inherited from a project base: evidence base', () => {
    const u = unit(py([
      'from .base import BaseMiddleware',
      'class Child(BaseMiddleware):',
      '    def __call__(self, request):',
      '        return self.get_response(request)',
    ]));
    expect(u).toMatchObject({ evidence: 'base', base: { name: 'BaseMiddleware' }, nextFields: [] });
    expect(u.constructorInfo).toBeUndefined();
    expect(u.handler!.nextMembers).toEqual(['get_response']);
  });

  it('super().__init__(get_response) is recorded as passing the next layer', () => {
    const u = unit(py([
      'class Child(MiddlewareMixin):',
      '    def __init__(self, get_response):',
      '        super().__init__(get_response)',
      '        self.extra = 1',
    ]));
    expect(u.constructorInfo?.superCall?.passesNext).toBe(true);
    expect(u.members).toContain('extra');
  });

  it('plain classes and functions are not units', () => {
    expect(factsOf(py(['class Point:', '    def __init__(self, x, y):', '        self.x = x', 'def add(a, b):', '    return a + b'])).units).toEqual([]);
  });
});

describe('Python units: flow', () => {
  const handlerOf = (body: string[], async = false): NonNullable<Unit['handler']> =>
    unit(py(['class M:', '    def __init__(self, get_response):', '        self.get_response = get_response', `    ${async ? 'async ' : ''}def __call__(self, request):`, ...body.map((l) => `        ${l}`)])).handler!;

  it('if / elif / else: each branch counted, the fall-through implicit exit found', () => {
    const h = handlerOf(['if request.a:', '    return self.get_response(request)', 'elif request.b:', '    pass', 'else:', '    return HttpResponse("x")']);
    expect(h.exits.map((e) => [e.kind, e.value.join('|'), e.nextCalls.join('|')])).toEqual([
      ['return', 'next', '1'],
      ['return', 'response', '0'],
      ['implicit', 'nothing', '0'],
    ]);
  });

  it('for / else with break, while True, and continue', () => {
    const h = handlerOf(['for x in request.items:', '    if x:', '        break', 'else:', '    return HttpResponse("none")', 'while True:', '    if request.ok:', '        continue', '    break', 'return self.get_response(request)']);
    expect(h.exits.map((e) => [e.kind, e.value.join('|')])).toEqual([
      ['return', 'response'],
      ['return', 'next'],
    ]);
  });

  it('a retry in except: one call on each path', () => {
    const h = handlerOf(['try:', '    return self.get_response(request)', 'except ConnectionError:', '    return self.get_response(request)']);
    expect(h.exits.map((e) => e.nextCalls)).toEqual([[1], [1]]);
  });

  it('try / finally, with, match, assert False, conditional expression, and/or, walrus', () => {
    const h = handlerOf([
      'with lock:',
      '    response = self.get_response(request) if request.a else None',
      'match request.method:',
      '    case "GET":',
      '        pass',
      '    case _:',
      '        assert False, "no"',
      'if (r := response) and r.ok:',
      '    return r',
      'try:',
      '    return response or HttpResponse()',
      'finally:',
      '    request.done = True',
    ]);
    expect(h.exits.map((e) => [e.kind, e.value.join('|')])).toEqual([
      ['throw', ''],
      ['return', 'next|nothing'],
      ['return', 'next|response|nothing'],
    ]);
  });

  it('nested def, lambda and comprehensions are their own scopes', () => {
    const h = handlerOf(['def later():', '    return None', 'f = lambda: None', 'xs = [None for _ in request.items]', 'return self.get_response(request)']);
    expect(h.exits).toHaveLength(1);
  });
});

const SECURITY_OK = py([
  'from django.http import HttpResponsePermanentRedirect',
  '',
  '',
  'class SecurityHeadersMiddleware:',
  '    def __init__(self, get_response):',
  '        self.get_response = get_response',
  '        self.redirect = True',
  '',
  '    def __call__(self, request):',
  '        if self.redirect and not request.is_secure():',
  '            return HttpResponsePermanentRedirect("https://" + request.get_host())',
  '        response = self.get_response(request)',
  '        if not response.has_header("Referrer-Policy"):',
  '            response.headers["Referrer-Policy"] = "same-origin"',
  '        response.headers.setdefault("X-Content-Type-Options", "nosniff")',
  '        return response',
]);

const COMMON_OK = py([
  'class CommonLikeMiddleware:',
  '    response_redirect_class = HttpResponsePermanentRedirect',
  '',
  '    def __init__(self, get_response):',
  '        self.get_response = get_response',
  '',
  '    def __call__(self, request):',
  '        redirect_url = self.get_full_path_with_slash(request)',
  '        if redirect_url:',
  '            return self.response_redirect_class(redirect_url)',
  '        response = self.get_response(request)',
  '        if response.status_code == 404 and self.should_redirect_with_slash(request):',
  '            return self.response_redirect_class(self.get_full_path_with_slash(request))',
  '        return response',
  '',
  '    def get_full_path_with_slash(self, request):',
  '        return None',
  '',
  '    def should_redirect_with_slash(self, request):',
  '        return False',
]);

const FACTORY_OK = py([
  'import time',
  '',
  'def timing(get_response):',
  '    def middleware(request):',
  '        start = time.monotonic()',
  '        try:',
  '            response = get_response(request)',
  '        except ConnectionError:',
  '            response = get_response(request)',
  '        response["X-Elapsed"] = str(time.monotonic() - start)',
  '        return response',
  '',
  '    return middleware',
]);

const ASYNC_OK = py([
  'from asgiref.sync import markcoroutinefunction',
  '',
  'class AsyncHeaders:',
  '    async_capable = True',
  '    sync_capable = False',
  '',
  '    def __init__(self, get_response):',
  '        self.get_response = get_response',
  '        markcoroutinefunction(self)',
  '',
  '    async def __call__(self, request):',
  '        response = await self.get_response(request)',
  '        response["X-Async"] = "1"',
  '        return response',
]);

const MIXIN_OK = py([
  'from django.utils.deprecation import MiddlewareMixin',
  '',
  'class XFrameLike(MiddlewareMixin):',
  '    def process_response(self, request, response):',
  '        if response.get("X-Frame-Options") is not None:',
  '            return response',
  '        response.headers["X-Frame-Options"] = "DENY"',
  '        return response',
  '',
  '    def process_template_response(self, request, response):',
  '        return response',
]);

describe('Python units: the unit rules through lint()', () => {
  it.each([
    ['security headers', SECURITY_OK],
    ['a common-like redirect that answers early without the next layer on one path', COMMON_OK],
    ['a factory with a retry in except', FACTORY_OK],
    ['an async class awaiting the next layer', ASYNC_OK],
    ['a MiddlewareMixin subclass', MIXIN_OK],
    ['the plain class', CLASS_OK],
  ])('correct middleware is silent: %s', (_, text) => {
    expect(reports(text)).toEqual([]);
  });

  it('return-response: __call__ without `return response`', () => {
    const text = py([
      'class M:',
      '    def __init__(self, get_response):',
      '        self.get_response = get_response',
      '    def __call__(self, request):',
      '        response = self.get_response(request)',
      '        response["X"] = "1"',
    ]);
    const [result] = lint([{ path: '/proj/m.py', text }], { config: defaultConfig() });
    expect(result!.diagnostics.map((d) => d.ruleId)).toEqual(['onion/return-response']);
    const d = result!.diagnostics[0]!;
    expect(d.message).toContain('`M.__call__`');
    // The fix returns the stored response on the line after the body, at the body's indentation.
    expect(d.fix?.range.start).toBe(text.length);
    expect(d.fix?.text).toBe('        return response\n');
    // The message speaks Python.
    expect(d.message).toContain('receives `None` instead of one');
    expect(d.message).toContain('(`return response`)');
  });

  it('return-response: an explicit return None', () => {
    expect(reports(py(['def mw(get_response):', '    def middleware(request):', '        get_response(request)', '        return None', '    return middleware']))).toEqual([
      'return-response: return None',
    ]);
  });

  it('call-next: get_response never called (only when no path calls it)', () => {
    expect(reports(py(['class M:', '    def __init__(self, get_response):', '        self.get_response = get_response', '    def __call__(self, request):', '        return HttpResponse("maintenance")']))).toEqual([
      'call-next: __call__',
    ]);
  });

  it('no-double-next: called twice on one path', () => {
    expect(
      reports(py(['def mw(get_response):', '    def middleware(request):', '        get_response(request)', '        response = get_response(request)', '        return response', '    return middleware'])),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/^no-double-next: /)]));
  });

  it('await-next: async def __call__ using self.get_response(request) un-awaited', () => {
    const found = reports(
      py(['class M:', '    def __init__(self, get_response):', '        self.get_response = get_response', '    async def __call__(self, request):', '        response = self.get_response(request)', '        response["X"] = "1"', '        return response']),
    );
    expect(found).toContain('await-next: response["X"]');
  });

  it('store-next: __init__ that never stores get_response', () => {
    const found = reports(py(['class M:', '    def __init__(self, get_response):', '        pass', '    def __call__(self, request):', '        return self.get_response(request)']));
    expect(found).toEqual(['store-next: get_response']);
  });

  it('store-next: a misspelled attribute', () => {
    const found = reports(py(['class M:', '    def __init__(self, get_response):', '        self.get_respones = get_response', '    def __call__(self, request):', '        return self.get_response(request)']));
    expect(found).toEqual(['store-next: self.get_response']);
  });

  it('messages speak Python: self.get_response, __init__, AttributeError', () => {
    const messages = (text: string): string[] => lint([{ path: '/proj/m.py', text }], { config: defaultConfig() })[0]!.diagnostics.map((d) => d.message);
    const [callNext] = messages(py(['class M:', '    def __init__(self, get_response):', '        self.get_response = get_response', '    def __call__(self, request):', '        return HttpResponse("maintenance")']));
    expect(callNext).toContain('(`self.get_response`)');
    expect(callNext).toContain('Return `self.get_response(request)`');
    const [store] = messages(py(['class M:', '    def __init__(self, get_response):', '        pass', '    def __call__(self, request):', '        return self.get_response(request)']));
    expect(store).toBe(
      "The `__init__` of `M` receives `get_response` but never stores it, while `M.__call__` calls `self.get_response`: every request fails with `AttributeError: 'M' object has no attribute 'get_response'`. Add `self.get_response = get_response` to the `__init__`.",
    );
    for (const m of [callNext!, store!]) expect(m).not.toMatch(/this\.|;`/);
  });
});

describe('Python units: Django facts (signatures, __init__, capabilities)', () => {
  it('records each hook\'s and the handler\'s parameters: self, defaults, *args, keyword-only, static methods', () => {
    const u = unit(py([
      'from django.utils.deprecation import MiddlewareMixin',
      'class M(MiddlewareMixin):',
      '    def __call__(self, request):',
      '        return self.get_response(request)',
      '    def process_view(self, request, view_func, *args, extra=None, mode, **kwargs):',
      '        return None',
      '    @staticmethod',
      '    def process_exception(request, exception=None):',
      '        return None',
      '    def process_request(request):',
      '        return None',
    ]));
    expect(u.handler!.signature).toMatchObject({ positional: [{ name: 'self', hasDefault: false }, { name: 'request', hasDefault: false }], restPositional: false, binding: 'instance', otherDecorators: false });
    expect(u.hooks.processView!.signature).toMatchObject({ positional: [{ name: 'self' }, { name: 'request' }, { name: 'view_func' }], restPositional: true, requiredKeywordOnly: ['mode'] });
    expect(u.hooks.processException!.signature).toMatchObject({ binding: 'static', positional: [{ name: 'request', hasDefault: false }, { name: 'exception', hasDefault: true }] });
    // A hook without `self` is read as written: its first parameter is the request, not the instance.
    expect(u.hooks.processRequest!.requestParam).toBe('request');
  });

  it('records whether __init__ runs the base constructor, in each form, and whether it can opt out', () => {
    const init = (lines: string[]) =>
      unit(py(['from django.utils.deprecation import MiddlewareMixin', 'class M(MiddlewareMixin):', '    def __init__(self, get_response):', ...lines.map((l) => `        ${l}`), '    def process_request(self, request):', '        return None'])).constructorInfo!;
    expect(init(['super().__init__(get_response)'])).toMatchObject({ callsBaseConstructor: true, canOptOut: false, superCall: { passesNext: true } });
    expect(init(['super(M, self).__init__(get_response)']).callsBaseConstructor).toBe(true);
    expect(init(['MiddlewareMixin.__init__(self, get_response)'])).toMatchObject({ callsBaseConstructor: true, superCall: { passesNext: true } });
    expect(init(['self.get_response = get_response']).callsBaseConstructor).toBe(false);
    expect(init(['raise MiddlewareNotUsed']).canOptOut).toBe(true);
  });

  it('knows MiddlewareMixin only when imported from django.utils.deprecation', () => {
    const cls = (imports: string, base: string) => unit(py([imports, `class M(${base}):`, '    def process_request(self, request):', '        return None']));
    expect(cls('from django.utils.deprecation import MiddlewareMixin', 'MiddlewareMixin').mixinBase).toBe(true);
    expect(cls('from django.utils.deprecation import MiddlewareMixin as Mixin', 'Mixin').mixinBase).toBe(true);
    expect(cls('from django.utils import deprecation', 'deprecation.MiddlewareMixin').mixinBase).toBe(true);
    expect(cls('import django.utils.deprecation', 'django.utils.deprecation.MiddlewareMixin').mixinBase).toBe(true);
    expect(cls('from .compat import MiddlewareMixin', 'MiddlewareMixin').mixinBase).toBeUndefined();
  });

  it('records capability flags, markcoroutinefunction, _async_check and _is_coroutine on a class', () => {
    const u = unit(py([
      'class M:',
      '    async_capable = True',
      '    sync_capable = settings.SYNC',
      '    def __init__(self, get_response):',
      '        self.get_response = get_response',
      '        markcoroutinefunction(self)',
      '        self._async_check()',
      '        self._is_coroutine = asyncio.coroutines._is_coroutine',
      '    async def __call__(self, request):',
      '        return await self.get_response(request)',
    ]));
    expect(u.capabilities).toMatchObject({ asyncCapable: { value: true }, syncCapable: { value: null }, marksCoroutine: true, unknownDecorators: false });
    expect(u.capabilities!.privateAsyncCheckCalls).toHaveLength(1);
    expect(u.capabilities!.coroutineMarkerAssignments).toHaveLength(1);
  });

  it('records a factory\'s flags from Django\'s decorators and from attributes set after it', () => {
    const decorated = unit(py(['@async_only_middleware', 'def mw(get_response):', '    async def middleware(request):', '        return await get_response(request)', '    return middleware']));
    expect(decorated.capabilities).toMatchObject({ decorator: { name: 'async_only_middleware' }, syncCapable: { value: false }, asyncCapable: { value: true } });
    const attributes = unit(py(['def mw(get_response):', '    def middleware(request):', '        return get_response(request)', '    return middleware', 'mw.async_capable = True', 'mw.sync_capable = compute()']));
    expect(attributes.capabilities).toMatchObject({ asyncCapable: { value: true }, syncCapable: { value: null }, flagsUnknown: true });
  });
});

describe('Python units: process_request / process_response of a MiddlewareMixin subclass', () => {
  const mixin = (lines: string[]) => py(['from django.utils.deprecation import MiddlewareMixin', '', 'class M(MiddlewareMixin):', ...lines.map((l) => `    ${l}`)]);

  it('return-response: process_response falling off the end, and returning None, name Django\'s failure in the outer layer', () => {
    const text = mixin(['def process_response(self, request, response):', '    if request.secure:', '        return None', '    response["X"] = "1"']);
    const [result] = lint([{ path: '/proj/m.py', text }], { config: defaultConfig() });
    expect(result!.diagnostics.map((d) => `${d.ruleId}: ${text.slice(d.range.start, d.range.end)}`)).toEqual(['onion/return-response: return None', 'onion/return-response: "']);
    for (const d of result!.diagnostics) {
      expect(d.message).toContain('`M.process_response`');
      expect(d.message).toContain('`return response`');
    }
    expect(result!.diagnostics[1]!.message).toContain("AttributeError: 'NoneType' object has no attribute ...");
  });

  it('return-response: silent for process_response returning its response, and on a plain class Django never calls it on', () => {
    expect(reports(mixin(['def process_response(self, request, response):', '    response["X"] = "1"', '    return response']))).toEqual([]);
    expect(reports(py(['class P:', '    def __init__(self, get_response):', '        self.get_response = get_response', '    def __call__(self, request):', '        return self.get_response(request)', '    def process_response(self, request, response):', '        response["X"] = "1"']))).toEqual([]);
  });

  it('hook-return: process_request returning a truthy non-response; None and falsy values continue', () => {
    expect(reports(mixin(['def process_request(self, request):', '    if request.blocked:', '        return True', '    return None']))).toEqual(['hook-return: return True']);
    expect(reports(mixin(['def process_request(self, request):', '    if request.blocked:', '        return False', '    return']))).toEqual([]);
    const [message] = lint([{ path: '/proj/m.py', text: mixin(['def process_request(self, request):', '    return "blocked"']) }], { config: defaultConfig() })[0]!.diagnostics.map((d) => d.message);
    expect(message).toContain('neither a response nor `None`');
  });
});

describe('Python units: messages and fixes speak Python', () => {
  it('await-next names the coroutine error with the member and the awaited call', () => {
    const text = py(['class M:', '    def __init__(self, get_response):', '        self.get_response = get_response', '    async def __call__(self, request):', '        response = self.get_response(request)', '        response.headers["X"] = "1"', '        return await response']);
    const messages = lint([{ path: '/proj/m.py', text }], { config: defaultConfig() })[0]!.diagnostics.filter((d) => d.ruleId === 'onion/await-next').map((d) => d.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("AttributeError: 'coroutine' object has no attribute 'headers'");
    expect(messages[0]).toContain('`response = await self.get_response(request)`');
  });

  it('await-next names Python\'s error for an item set or read on the coroutine (not an attribute error)', () => {
    const messageFor = (line: string) => {
      const text = py(['class M:', '    def __init__(self, get_response):', '        self.get_response = get_response', '    async def __call__(self, request):', '        response = self.get_response(request)', `        ${line}`, '        return await response']);
      return lint([{ path: '/proj/m.py', text }], { config: defaultConfig() })[0]!.diagnostics.filter((d) => d.ruleId === 'onion/await-next').map((d) => d.message);
    };
    expect(messageFor('response["X-Frame-Options"] = "DENY"')).toEqual([expect.stringContaining("TypeError: 'coroutine' object does not support item assignment")]);
    expect(messageFor('print(response["Server"])')).toEqual([expect.stringContaining("TypeError: 'coroutine' object is not subscriptable")]);
    expect(messageFor('response.status_code = 404')).toEqual([expect.stringContaining("AttributeError: 'coroutine' object has no attribute 'status_code'")]);
  });

  it('store-next: super().__init__() without the next layer is named in Python', () => {
    const text = py(['from django.utils.deprecation import MiddlewareMixin', 'class M(MiddlewareMixin):', '    def __init__(self, get_response):', '        super().__init__()', '    def process_request(self, request):', '        return None']);
    const [d] = lint([{ path: '/proj/m.py', text }], { config: defaultConfig() })[0]!.diagnostics;
    expect(d?.ruleId).toBe('onion/store-next');
    expect(d?.message).toContain('`super().__init__(get_response)`');
    expect(d?.message).toContain('The `__init__` of `M`');
    // MiddlewareMixin.__init__ takes get_response alone: a missing one fails at start-up, not per request.
    expect(d?.message).toContain('Django fails when it builds the layer');
  });

  it('return-response\'s fix is its own line at the block\'s indentation, tabs kept, no semicolon', () => {
    const text = 'class M:\n\tdef __init__(self, get_response):\n\t\tself.get_response = get_response\n\n\tdef __call__(self, request):\n\t\tresponse = self.get_response(request)\n\t\tresponse["X"] = "1"\n\n\tdef other(self):\n\t\treturn 1\n';
    const [d] = lint([{ path: '/proj/m.py', text }], { config: defaultConfig() })[0]!.diagnostics;
    expect(d?.fix).toBeDefined();
    const fixed = text.slice(0, d!.fix!.range.start) + d!.fix!.text + text.slice(d!.fix!.range.end);
    expect(fixed).toContain('\t\tresponse["X"] = "1"\n\t\treturn response\n\n\tdef other(self):');
    expect(lint([{ path: '/proj/m.py', text: fixed }], { config: defaultConfig() })[0]!.diagnostics).toEqual([]);
  });

  it('return-response\'s fix at the end of a file without a final line break starts a line of its own', () => {
    const text = 'class M:\n    def __init__(self, get_response):\n        self.get_response = get_response\n    def __call__(self, request):\n        response = self.get_response(request)\n        response["X"] = "1"';
    const [d] = lint([{ path: '/proj/m.py', text }], { config: defaultConfig() })[0]!.diagnostics;
    expect(d?.fix).toBeDefined();
    const fixed = text.slice(0, d!.fix!.range.start) + d!.fix!.text + text.slice(d!.fix!.range.end);
    expect(fixed.endsWith('        response["X"] = "1"\n        return response')).toBe(true);
    expect(lint([{ path: '/proj/m.py', text: fixed }], { config: defaultConfig() })[0]!.diagnostics).toEqual([]);
  });

  it('return-response offers no fix for a body written on the def line (a new line there would leave the method)', () => {
    const text = 'class M:\n    def __init__(self, get_response): self.get_response = get_response\n    def __call__(self, request): response = self.get_response(request)\n';
    const diagnostics = lint([{ path: '/proj/m.py', text }], { config: defaultConfig() })[0]!.diagnostics;
    expect(diagnostics.map((d) => d.ruleId)).toEqual(['onion/return-response']);
    expect(diagnostics[0]!.fix).toBeUndefined();
  });

  it('no message on a Python fixture uses JavaScript words (`this.`, `undefined`, `null`, `const`, a `;` ending code)', async () => {
    const { allFixtureCases } = await import('./fixture-cases.js');
    const { diskHost } = await import('./helpers.js');
    const python = allFixtureCases().filter((c) => c.files.every((f) => f.path.endsWith('.py')));
    expect(python.length).toBeGreaterThan(80);
    // And one module with a mistake for each message of the rules shared with JavaScript.
    const shared = py([
      'from django.utils.deprecation import MiddlewareMixin',
      'class Unawaited:',
      '    def __init__(self, get_response):',
      '        self.get_response = get_response',
      '    async def __call__(self, request):',
      '        response = self.get_response(request)',
      '        response.headers["X"] = "1"',
      '        return response',
      '    def process_view(self, request, view_func, view_args, view_kwargs):',
      '        return True',
      'class NotPassed(MiddlewareMixin):',
      '    def __init__(self, get_response):',
      '        super().__init__()',
      '    def process_request(self, request):',
      '        return "no"',
      '    def process_response(self, request, response):',
      '        return None',
      'def bare(get_response):',
      '    def middleware(request):',
      '        get_response(request)',
      '        return',
      '    return middleware',
    ]);
    python.push({ rule: 'inline', kind: 'invalid', name: 'shared-rules.py', files: [{ path: '/proj/app/shared.py', relPath: 'shared.py', text: shared, expected: [] }] });
    const offending: string[] = [];
    const ruleIds = new Set<string>();
    for (const c of python) {
      for (const result of lint(c.files.map((f) => ({ path: f.path, text: f.text })), { config: defaultConfig(), host: diskHost })) {
        for (const d of result.diagnostics) {
          ruleIds.add(String(d.ruleId));
          if (/\bthis\.|\bundefined\b|`null`|\bconst\b|`[^`]*;`/.test(d.message)) offending.push(`${c.rule}/${c.kind}/${c.name}: ${d.message}`);
        }
      }
    }
    expect(offending).toEqual([]);
    for (const id of ['await-next', 'hook-return', 'store-next', 'return-response', 'hook-signature', 'mixin-init', 'hook-calls-next', 'async-capable']) expect(ruleIds).toContain(`onion/${id}`);
  });
});

describe('hook-calls-next on a TypeScript class (RULES.md: the Django family, either language)', () => {
  it('reports processView calling this.getResponse, in JavaScript words', () => {
    const text = [
      'export class Preview {',
      '  constructor(private getResponse: (r: Request) => Response) {}',
      '  call(request: Request) {',
      '    return this.getResponse(request);',
      '  }',
      '  processView(request: Request) {',
      '    return this.getResponse(request);',
      '  }',
      '}',
      '',
    ].join('\n');
    const diagnostics = lint([{ path: '/proj/preview.ts', text }], { config: defaultConfig() })[0]!.diagnostics;
    expect(diagnostics.map((d) => `${d.ruleId}: ${text.slice(d.range.start, d.range.end)}`)).toEqual(['onion/hook-calls-next: this.getResponse']);
    expect(diagnostics[0]!.message).toContain('(`this.getResponse`)');
    expect(diagnostics[0]!.message).toContain('Return `null` to continue');
  });
});
