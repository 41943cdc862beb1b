import { describe, expect, it } from 'vitest';
import { factsOf } from './helpers.js';

function handlerOf(src: string) {
  const facts = factsOf(src);
  const unit = facts.units.find((u) => u.handler);
  if (!unit?.handler) throw new Error('no handler found');
  return unit.handler;
}

const cls = (body: string, opts = '') => `
class M {
  constructor(getResponse) { this.getResponse = getResponse; }
  ${opts}call(request) {
${body}
  }
}`;

describe('flow summaries', () => {
  it('a plain pass-through returns the next result after one call', () => {
    const h = handlerOf(cls('    return this.getResponse(request);'));
    expect(h.exits).toHaveLength(1);
    expect(h.exits[0]).toMatchObject({ kind: 'return', value: ['next'], nextCalls: [1], nextResultDropped: false });
  });

  it('falling off the end after storing the response offers `return response;`', () => {
    const h = handlerOf(cls('    const response = this.getResponse(request);\n    response.headers["X"] = "1";'));
    expect(h.exits).toHaveLength(1);
    expect(h.exits[0]).toMatchObject({ kind: 'implicit', value: ['nothing'], nextCalls: [1] });
    expect(h.exits[0]!.returnFix).toMatchObject({ variable: 'response', indent: '    ' });
  });

  it('joins branches: a short-circuit and a pass-through', () => {
    const h = handlerOf(cls('    if (!request.user) return new HttpResponse(403);\n    return this.getResponse(request);'));
    expect(h.exits.map((e) => [e.value, e.nextCalls])).toEqual([
      [['response'], [0]],
      [['next'], [1]],
    ]);
    expect(h.requestReadsBeforeNext.map((r) => r.attribute)).toEqual(['user']);
  });

  it('counts a call inside a loop that can iterate again as 2+', () => {
    const h = handlerOf(cls('    let r;\n    for (const x of [1, 2]) { r = this.getResponse(request); }\n    return r;'));
    expect(h.exits[0]!.nextCalls).toEqual([0, 1, 2]);
  });

  it('a loop that calls once and breaks counts at most one call', () => {
    const h = handlerOf(cls('    let r = null;\n    for (;;) { r = this.getResponse(request); break; }\n    return r;'));
    expect(h.exits[0]!.nextCalls).toEqual([1]);
  });

  it('awaits turn the promise into the response; the un-awaited use is recorded', () => {
    const h = handlerOf(cls('    const response = this.getResponse(request);\n    response.status = 500;\n    return response;', 'async '));
    expect(h.async).toBe(true);
    expect(h.unawaitedUses).toMatchObject([{ kind: 'write', text: 'response' }]);
    const ok = handlerOf(cls('    const response = await this.getResponse(request);\n    response.status = 500;\n    return response;', 'async '));
    expect(ok.unawaitedUses).toEqual([]);
    expect(ok.exits[0]!.value).toEqual(['next']);
  });

  it('an un-awaited use names the member from the syntax, whatever wraps the promise', () => {
    const uses = [
      '(response as any).status = 3;',
      '(<any>response).headers.set("a", "b");',
      '(response).cookies;',
      '(response!).body;',
      'response!.ok;',
      '(response satisfies object).statusText;',
      'response?.["charset"];',
      '/** @type {any} */ (response).streaming;',
    ];
    const h = handlerOf(cls(`    const response = this.getResponse(request);\n${uses.map((u) => `    ${u}\n`).join('')}    return response;`, 'async '));
    expect(h.unawaitedUses.map((u) => [u.kind, u.member, u.text])).toEqual([
      ['write', 'status', 'response'],
      ['read', 'headers', 'response'],
      ['read', 'cookies', 'response'],
      ['read', 'body', 'response'],
      ['read', 'ok', 'response'],
      ['read', 'statusText', 'response'],
      ['read', 'charset', 'response'],
      ['read', 'streaming', 'response'],
    ]);
  });

  it('returns inside callbacks are not exits of the handler', () => {
    const h = handlerOf(cls('    const xs = [1].map((x) => { return x; });\n    return this.getResponse(request);'));
    expect(h.exits).toHaveLength(1);
    expect(h.exits[0]!.value).toEqual(['next']);
  });

  it('a dropped next result is must-information', () => {
    const h = handlerOf(cls('    this.getResponse(request);\n    return new JsonResponse({});'));
    expect(h.exits[0]).toMatchObject({ value: ['response'], nextCalls: [1], nextResultDropped: true });
    const used = handlerOf(cls('    const r = this.getResponse(request);\n    log(r);\n    return new JsonResponse({});'));
    expect(used.exits[0]!.nextResultDropped).toBe(false);
  });

  it('a local alias of the next layer counts as the next layer', () => {
    const h = handlerOf(cls('    const next = this.getResponse;\n    return next(request);'));
    expect(h.exits[0]).toMatchObject({ value: ['next'], nextCalls: [1] });
  });

  it('try/finally keeps the response; the catch is entered from before the call that raised', () => {
    const h = handlerOf(cls('    try {\n      return this.getResponse(request);\n    } catch (e) {\n      return new HttpResponse(500);\n    } finally {\n      done();\n    }'));
    expect(h.exits.map((e) => e.nextCalls)).toEqual([[1], [0]]);
  });

  describe('exceptional edges', () => {
    /** nextCalls of each exit, by the exit's first line of code (trimmed). */
    const callsByExit = (body: string, opts = '') => {
      const src = cls(body, opts);
      const h = handlerOf(src);
      return Object.fromEntries(h.exits.map((e) => [src.slice(e.range.start, e.range.end).split('\n')[0]!.trim(), e.nextCalls]));
    };

    it('a next-layer call that raised does not count: a retry from the catch is one call (async and sync)', () => {
      const retry = '    try {\n      return await this.getResponse(request);\n    } catch (error) {\n      if (!error.transient) throw error;\n      return await this.getResponse(request);\n    }';
      expect(callsByExit(retry, 'async ')).toEqual({
        'return await this.getResponse(request);': [1],
        'throw error;': [0],
      });
      const sync = '    try {\n      return this.getResponse(request);\n    } catch (error) {\n      return this.getResponse(request);\n    }';
      expect(callsByExit(sync)).toEqual({ 'return this.getResponse(request);': [1] });
    });

    it('the result kept in a local and returned: nothing after the call can raise', () => {
      const body = '    try {\n      const response = await this.getResponse(request);\n      return response;\n    } catch {\n      return this.getResponse(request);\n    }';
      expect(callsByExit(body, 'async ')).toEqual({ 'return response;': [1], 'return this.getResponse(request);': [1] });
    });

    it('an operation after a completed call that raises carries the call into the catch', () => {
      const after = (op: string) =>
        callsByExit(`    try {\n      const response = await this.getResponse(request);\n      ${op}\n      return response;\n    } catch {\n      return this.getResponse(request);\n    }`, 'async ');
      for (const op of ['doSomething();', 'response.headers.set("X", "1");', 'response.status = 201;', 'const { body } = response;', 'await audit(request);', 'new Audit(response);', 'if (response.status >= 500) throw new Error("upstream");']) {
        expect(after(op)['return this.getResponse(request);'], op).toEqual([1, 2]);
      }
      // Operators on primitives, plain assignments and `this.x` are taken not to raise.
      for (const op of ['const ok = 1 + 2 < 4;', 'this.count = 1;', 'const copy = response;']) {
        expect(after(op)['return this.getResponse(request);'], op).toEqual([1]);
      }
    });

    it('the returned expression may raise after the call: `return wrap(await next())`', () => {
      const body = '    try {\n      return wrap(await this.getResponse(request));\n    } catch {\n      return this.getResponse(request);\n    }';
      expect(callsByExit(body, 'async ')['return this.getResponse(request);']).toEqual([1, 2]);
    });

    it('a second call in the try block: its own failure leaves one completed call', () => {
      const body = '    try {\n      this.getResponse(request);\n      return this.getResponse(request);\n    } catch {\n      return new HttpResponse(500);\n    }';
      const h = handlerOf(cls(body));
      expect(h.exits.map((e) => e.nextCalls)).toEqual([[2], [0, 1]]);
    });

    it('awaiting a stored promise of the next layer that rejects takes its call back', () => {
      const body = '    const pending = this.getResponse(request);\n    try {\n      return await pending;\n    } catch {\n      return await this.getResponse(request);\n    }';
      expect(callsByExit(body, 'async ')).toEqual({ 'return await pending;': [1], 'return await this.getResponse(request);': [1] });
    });

    it('a next layer typed synchronous: awaiting its result does not raise again', () => {
      const src = 'class M {\n  constructor(private getResponse: (r: Req) => HttpResponse) {}\n  async call(request) {\n    try {\n      const response = await this.getResponse(request);\n      return response;\n    } catch {\n      return this.getResponse(request);\n    }\n  }\n}';
      expect(handlerOf(src).exits.map((e) => e.nextCalls)).toEqual([[1], [1]]);
    });

    it('finally: an exception runs it and goes on to the outer catch; so does a return', () => {
      // The inner finally raises after the return produced a response: the outer retry is a second call.
      const raising = '    try {\n      try {\n        return await this.getResponse(request);\n      } finally {\n        metrics.observe(request);\n      }\n    } catch {\n      return await this.getResponse(request);\n    }';
      expect(callsByExit(raising, 'async ')).toEqual({ 'return await this.getResponse(request);': [1, 2] });
      // A finally that cannot raise: only the call's own failure reaches the outer catch.
      const quiet = raising.replace('metrics.observe(request);', 'this.inFlight = false;');
      expect(callsByExit(quiet, 'async ')).toEqual({ 'return await this.getResponse(request);': [1] });
      // An exception raised in a catch clause runs that try's finally, then reaches the outer catch.
      const fromCatch = '    try {\n      try {\n        return await this.getResponse(request);\n      } catch (e) {\n        report(e);\n        return new HttpResponse(500);\n      } finally {\n        this.inFlight = false;\n      }\n    } catch {\n      return await this.getResponse(request);\n    }';
      expect(callsByExit(fromCatch, 'async ')).toEqual({ 'return await this.getResponse(request);': [1], 'return new HttpResponse(500);': [0] });
    });

    it('finally blocks nested in finally blocks cost linear time (each way in is not walked separately there)', () => {
      let body = 'return await this.getResponse(request);';
      for (let i = 0; i < 24; i++) body = `try { log(${i}); } catch (e) { report(e); } finally { try { flush${i}(); } finally { ${body} } }`;
      const started = performance.now();
      const h = handlerOf(cls(`    ${body}`, 'async '));
      expect(performance.now() - started).toBeLessThan(4000);
      expect(h.exits.map((e) => e.nextCalls)).toEqual([[1]]);
    });

    it('a throw with no catch around it is an exit even through a finally block', () => {
      const body = '    try {\n      const response = this.getResponse(request);\n      if (!response) throw new Error("no response");\n      return response;\n    } finally {\n      done();\n    }';
      const h = handlerOf(cls(body));
      expect(h.exits.map((e) => [e.kind, e.nextCalls])).toEqual([
        ['throw', [1]],
        ['return', [1]],
      ]);
    });
  });

  it('a switch with one call per case never reaches two', () => {
    const h = handlerOf(cls('    switch (request.method) {\n      case "GET": return this.getResponse(request);\n      default: { const r = this.getResponse(request); return r; }\n    }'));
    expect(h.exits.every((e) => !e.nextCalls.includes(2))).toBe(true);
    expect(h.exits.some((e) => e.kind === 'implicit')).toBe(false);
  });

  it('factory form: the returned arrow is the handler, the parameter is the next layer', () => {
    const facts = factsOf('export function timing(getResponse) {\n  return async (request) => {\n    const r = await getResponse(request);\n    return r;\n  };\n}');
    expect(facts.units).toHaveLength(1);
    expect(facts.units[0]).toMatchObject({ kind: 'factory', name: 'timing', evidence: 'name' });
    expect(facts.units[0]!.handler!.exits[0]).toMatchObject({ value: ['next'], nextCalls: [1] });
  });

  it('records writes to the request before the next layer, not after', () => {
    const h = handlerOf(cls('    request.session = load();\n    const r = this.getResponse(request);\n    request.after = 1;\n    return r;'));
    expect(h.requestWritesBeforeNext.map((w) => w.attribute)).toEqual(['session']);
  });

  it('unparseable and absurdly nested files become a fatal problem', () => {
    expect(factsOf('class {').fatal?.message).toMatch(/Parsing error/);
    const deep = 'const x = ' + '('.repeat(20000) + '1' + ')'.repeat(20000) + ';';
    expect(factsOf(deep).fatal?.message).toMatch(/nested too deeply|Parsing error/);
  });
});
