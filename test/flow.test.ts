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

  it('try/finally keeps the response; catch joins the states of the try block', () => {
    const h = handlerOf(cls('    try {\n      return this.getResponse(request);\n    } catch (e) {\n      return new HttpResponse(500);\n    } finally {\n      done();\n    }'));
    expect(h.exits.map((e) => e.nextCalls)).toEqual([[1], [0, 1]]);
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
