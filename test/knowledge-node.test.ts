/**
 * The Node ecosystem knowledge base (src/knowledge/node.ts) is data: these tests keep it
 * self-consistent (ids, references, sources, version ranges) and pin the facts the stack rules
 * depend on most, so that an edit cannot silently turn a documented fact into a false report.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { NODE_CONSTRAINTS, NODE_MIDDLEWARE, NODE_REQUIREMENTS, type NodeMiddleware } from '../src/knowledge/node.js';

const byId = new Map(NODE_MIDDLEWARE.map((m) => [m.id, m]));
const capabilities = new Set(NODE_MIDDLEWARE.flatMap((m) => m.provides ?? []));

function known(id: string): NodeMiddleware {
  const m = byId.get(id);
  if (!m) throw new Error(`no knowledge entry ${id}`);
  return m;
}

/** The entries a registration written as `pkg` + `member` (+ an instance member) names. */
const named = (pkg: string, member: string, result?: string) =>
  NODE_MIDDLEWARE.filter((m) => m.exports.some((e) => e.package === pkg && e.member === member && e.result?.member === result)).map((m) => m.id);

describe('Node knowledge base: consistency', () => {
  it('has unique ids', () => {
    const ids = NODE_MIDDLEWARE.map((m) => m.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('gives every entry a label, a framework, a non-empty source and at least one export', () => {
    const incomplete = NODE_MIDDLEWARE.filter(
      (m) => !m.label.trim() || m.frameworks.length === 0 || !m.source.trim() || m.exports.length === 0 || m.exports.some((e) => !e.package.trim()),
    ).map((m) => m.id);
    expect(incomplete).toEqual([]);
  });

  it('names each export once: no two entries claim the same registration', () => {
    const keys = NODE_MIDDLEWARE.flatMap((m) => m.exports.map((e) => `${e.package}|${e.member}|${e.form}|${e.result?.member ?? ''}|${e.result?.form ?? ''}`));
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('names a known id or a provided capability in every constraint and requirement', () => {
    const resolves = (name: string) => byId.has(name) || capabilities.has(name);
    const dangling = [
      ...NODE_CONSTRAINTS.flatMap((c) => [c.upper, c.lower].filter((n) => !resolves(n))),
      ...NODE_CONSTRAINTS.filter((c) => !byId.has(c.lower)).map((c) => `lower ${c.lower} is not an id`),
      ...NODE_REQUIREMENTS.filter((r) => !byId.has(r.id)).map((r) => r.id),
      ...NODE_REQUIREMENTS.flatMap((r) => r.anyOf.filter((n) => !resolves(n))),
    ];
    expect(dangling).toEqual([]);
  });

  it('gives every constraint and requirement a reason or message and a source', () => {
    const bare = [
      ...NODE_CONSTRAINTS.filter((c) => !c.reason.trim() || !c.source.trim()).map((c) => `${c.upper} > ${c.lower}`),
      ...NODE_REQUIREMENTS.filter((r) => !r.message.trim() || !r.source.trim()).map((r) => r.id),
    ];
    expect(bare).toEqual([]);
  });

  it('writes every version range as a valid semver range', () => {
    const ranges = [
      ...NODE_CONSTRAINTS.flatMap((c) => (c.when ? [c.when.range] : [])),
      ...NODE_MIDDLEWARE.flatMap((m) => (m.versionNeeds ?? []).map((v) => v.range)),
    ];
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.filter((r) => semver.validRange(r) === null)).toEqual([]);
  });

  it('keeps a constraint from contradicting itself or another', () => {
    const pairs = new Set(NODE_CONSTRAINTS.filter((c) => !c.when).map((c) => `${c.upper} > ${c.lower}`));
    const cycles = NODE_CONSTRAINTS.filter((c) => c.upper === c.lower || pairs.has(`${c.lower} > ${c.upper}`));
    expect(cycles).toEqual([]);
  });

  it('gives every need a setter: some entry of the same framework sets it', () => {
    const unset = NODE_MIDDLEWARE.flatMap((m) =>
      m.needs.filter((need) => !NODE_MIDDLEWARE.some((s) => s.sets.includes(need) && s.frameworks.some((f) => m.frameworks.includes(f)))).map((need) => `${m.id} needs ${need}`),
    );
    expect(unset).toEqual([]);
  });

  it('names attributes as handlers read them: no req./ctx./c. prefix', () => {
    const prefixed = NODE_MIDDLEWARE.flatMap((m) => [...m.sets, ...m.needs].filter((a) => /^(req|ctx|c)\./.test(a)));
    expect(prefixed).toEqual([]);
  });
});

describe('Node knowledge base: facts', () => {
  it('express-session sets and provides the session; passport.session() needs it and says so', () => {
    expect(known('express-session').sets).toContain('session');
    expect(known('express-session').provides).toContain('session');
    expect(known('passport.session').needs).toEqual(['session']);
    expect(known('passport.session').sets).toEqual(['user']);
    expect(known('passport.session').failure).toContain('Login sessions require session support');
  });

  it('every session middleware provides the session capability that passport.session() and connect-flash require', () => {
    expect(NODE_MIDDLEWARE.filter((m) => m.provides?.includes('session')).map((m) => m.id).sort()).toEqual(['cookie-session', 'express-session', 'koa-session']);
    const required = (id: string) => NODE_REQUIREMENTS.filter((r) => r.id === id).map((r) => r.anyOf);
    expect(required('passport.session')).toEqual([['session']]);
    expect(required('connect-flash')).toEqual([['session']]);
    expect(required('koa-passport.session')).toEqual([['session']]);
    expect(required('csurf')).toEqual([['session', 'cookies']]);
  });

  it('passport.initialize() matters only before 0.6: its order against passport.session() is version-bound', () => {
    const c = NODE_CONSTRAINTS.find((k) => k.upper === 'passport.initialize' && k.lower === 'passport.session');
    expect(c?.when).toEqual({ package: 'passport', range: '<0.6.0' });
    expect(semver.satisfies('0.5.3', c!.when!.range)).toBe(true);
    expect(semver.satisfies('0.6.0', c!.when!.range)).toBe(false);
    expect(semver.satisfies('0.7.0', c!.when!.range)).toBe(false);
    // initialize() sets and needs nothing a handler reads: no unconditional order against it
    expect(known('passport.initialize').needs).toEqual([]);
    expect(NODE_CONSTRAINTS.filter((k) => (k.upper === 'passport.initialize' || k.lower === 'passport.initialize') && !k.when)).toEqual([]);
  });

  it('koa-bodyparser and @koa/bodyparser set request.body; every Express body parser sets body', () => {
    expect(known('koa-bodyparser').sets).toContain('request.body');
    expect(known('@koa/bodyparser').sets).toContain('request.body');
    const parsers = NODE_MIDDLEWARE.filter((m) => m.provides?.includes('body'));
    expect(parsers.filter((m) => !m.sets.includes(m.frameworks.includes('koa') ? 'request.body' : 'body'))).toEqual([]);
    expect(parsers.map((m) => m.id)).toEqual(expect.arrayContaining(['express.json', 'express.urlencoded', 'body-parser.json', 'body-parser', 'multer.single']));
  });

  it('koa-passport keeps the user on ctx.state, and koa-session is not ordered (its ctx.session is installed on app.context)', () => {
    expect(known('koa-passport.session').sets).toEqual(['state.user']);
    expect(known('koa-passport.session').needs).toEqual([]);
    expect(known('koa-session').sets).toEqual([]);
    expect(known('koa-session').frameworks).toEqual(['koa']);
  });

  it('resolves registrations as they are written', () => {
    expect(named('express-session', '')).toEqual(['express-session']);
    expect(named('passport', 'session')).toEqual(['passport.session']);
    expect(named('express', 'json')).toEqual(['express.json']);
    expect(named('body-parser', '')).toEqual(['body-parser']);
    expect(named('multer', '', 'single')).toEqual(['multer.single']);
    expect(named('multer', '')).toEqual([]);
    expect(named('csrf-csrf', 'doubleCsrf', 'doubleCsrfProtection')).toEqual(['csrf-csrf']);
    expect(named('hono/jwt', 'jwt')).toEqual(['hono/jwt']);
    expect(named('express-rate-limit', 'rateLimit')).toEqual(['express-rate-limit']);
  });

  it('knows errorhandler as an error handler and nothing else as one', () => {
    expect(NODE_MIDDLEWARE.filter((m) => m.errorHandler).map((m) => m.id)).toEqual(['errorhandler']);
  });

  it('records Hono variables as var.<key> and only the ones the middleware always sets', () => {
    const honoSets = Object.fromEntries(NODE_MIDDLEWARE.filter((m) => m.frameworks.includes('hono') && m.sets.length > 0).map((m) => [m.id, m.sets]));
    expect(honoSets).toEqual({ 'hono/jwt': ['var.jwtPayload'], 'hono/jwk': ['var.jwtPayload'], 'hono/timing': ['var.metric'], 'hono/request-id': ['var.requestId'] });
  });

  it('csrf-csrf needs the cookies cookie-parser sets, and its middleware is a member of doubleCsrf()\'s result', () => {
    expect(known('csrf-csrf').needs).toEqual(['cookies']);
    expect(known('cookie-parser').sets).toContain('cookies');
    expect(known('csrf-csrf').exports).toEqual([{ package: 'csrf-csrf', member: 'doubleCsrf', form: 'call', result: { member: 'doubleCsrfProtection', form: 'reference' } }]);
  });
});

describe('Node knowledge base: docs/dev/node-knowledge.md', () => {
  const doc = readFileSync(fileURLToPath(new URL('../docs/dev/node-knowledge.md', import.meta.url)), 'utf8');

  it('has a row for every middleware, constraint and requirement', () => {
    const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
    const missing = [
      ...NODE_MIDDLEWARE.filter((m) => !rows.some((r) => r.startsWith(`| \`${m.id}\``))).map((m) => m.id),
      ...NODE_CONSTRAINTS.filter((c) => !rows.some((r) => r.startsWith(`| \`${c.upper}\``) && r.includes(`| \`${c.lower}\``))).map((c) => `${c.upper} > ${c.lower}`),
      ...NODE_REQUIREMENTS.filter((q) => !rows.some((r) => r.startsWith(`| \`${q.id}\``) && q.anyOf.every((a) => r.includes(`\`${a}\``)))).map((q) => `requirement ${q.id}`),
    ];
    expect(missing).toEqual([]);
  });
});
