/**
 * The pre-filter's guarantee (src/frontends/ts/index.ts): a file it leaves dormant yields no
 * settings stack and no unit that a rule reports on by itself — so linting with the pre-filter
 * reports exactly what linting with every file fully analysed reports. Checked on the fixtures, on
 * generated files that put the words the filter looks for in and out of the right places, and on
 * a fixed sample of real code (this project's own node_modules).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { extractFacts, frontendOptions, lint } from '../src/engine.js';
import { mightHoldMiddleware, parse } from '../src/frontends/ts/index.js';
import { T } from '../src/frontends/ts/typescript.js';
import type { FileFacts, Unit } from '../src/model.js';
import { parseDirective } from '../src/suppress.js';
import { allFixtureCases, repoRoot } from './fixture-cases.js';
import { diskHost } from './helpers.js';
import { ensurePythonParser } from '../src/frontends/python/index.js';

// lint() is synchronous: Python cases need the grammar loaded first.
await ensurePythonParser();

const config = defaultConfig();
const frontend = frontendOptions(config);

/** A unit the rules can report on without a stack listing it (link/units.ts confirmation, rules' inputs). */
function judgedOnItsOwn(unit: Unit): boolean {
  if (unit.evidence === 'position') return false;
  return unit.handler !== undefined || Object.keys(unit.hooks).length > 0 || unit.constructorInfo?.superCall?.passesNext === false;
}

/** What the guarantee forbids in the full facts of a file the pre-filter leaves dormant. */
function forbidden(full: FileFacts): string[] {
  return [...full.units.filter(judgedOnItsOwn).map((u) => `unit ${u.name}`), ...full.stacks.filter((s) => s.role === 'setting').map((s) => `stack ${s.setting}`)];
}

/** Reports of a set of files, linted as the CLI does (pre-filter on) or with every file analysed in full. */
function reports(files: Array<{ path: string; text: string }>, everyFileInFull: boolean): string[] {
  const facts = everyFileInFull ? new Map(files.map((f) => [f.path, extractFacts(f.path, f.text, frontend, 'full')])) : undefined;
  return lint(files, { config, host: diskHost, ...(facts ? { facts } : {}) }).flatMap((r) =>
    r.diagnostics.map((d) => `${r.filePath}:${d.range.start}-${d.range.end} ${d.ruleId} ${d.message}`),
  );
}

/** Checks the guarantee file by file; returns how many files were dormant. */
function checkFiles(files: Array<{ path: string; text: string }>): number {
  let dormant = 0;
  for (const f of files) {
    const auto = extractFacts(f.path, f.text, frontend, 'auto');
    if (!auto.dormant) continue;
    dormant++;
    expect({ path: f.path, forbidden: forbidden(extractFacts(f.path, f.text, frontend, 'full')) }).toEqual({ path: f.path, forbidden: [] });
  }
  return dormant;
}

describe('pre-filter', () => {
  it('reports on every fixture case exactly what the full analysis of every file reports', () => {
    let dormant = 0;
    for (const c of allFixtureCases()) {
      const files = c.files.map((f) => ({ path: f.path, text: f.text }));
      expect(reports(files, false)).toEqual(reports(files, true));
      dormant += checkFiles(files);
    }
    // The fixtures do exercise the dormant path (base classes, helpers, factories of other shapes).
    expect(dormant).toBeGreaterThan(5);
  });

  it('a file that only mentions the words is parsed for syntax only (real bundles mention them all)', () => {
    const wordsOnly = [
      // An iterator protocol: `next` everywhere, a class hierarchy with `extends`.
      'export class Base { next() { return { done: true, value: undefined }; } }\nexport class Items extends Base { next() { return super.next(); } }\n',
      // The words in comments and strings, `handle` and `call` as property accesses.
      "// middleware: getResponse is called by the next layer\nexport const note = 'class A extends B { call() {} }';\nexport function run(fn, args) { return fn.call(null, ...args) ?? fn.handle(args); }\n",
      // A subclass whose constructor passes its first parameter on, and no handler.
      'export class Logger extends Writer {\n  constructor(stream, level) { super(stream, level); this.level = level; }\n  write(line) { return super.write(line); }\n}\n',
      // A type named Next in a comment, `Response` in a variable name.
      'const requiredResponse = 1; /* Next */ export const total = requiredResponse + 1;\n',
    ];
    for (const text of wordsOnly) expect({ text, dormant: extractFacts('/virtual/bundle.js', text, frontend, 'auto').dormant }).toEqual({ text, dormant: true });
  });

  // Pieces of files: the words the filter looks for, in places where they make a unit and where they do not.
  const firstParam = fc.constantFrom('getResponse', 'next', 'inner', 'getResponse: GetResponse', 'inner: Next', 'inner: (r: Request) => Promise<HttpResponse>', 'inner: (r: Request) => void', 'inner: types.NextLayer', '{ next }', '');
  const member = fc.constantFrom(
    'call(request) { return this.getResponse(request); }',
    'call(request) { const r = this.next(request); }',
    'handle(request) { return null; }',
    'processView(request, view) { return 1; }',
    'process_exception(request, error) { return error; }',
    'static call(request) { return request; }',
    'run(request) { return request.call(this); }',
    'label = "call handle extends getResponse MIDDLEWARE";',
    '',
  );
  const superCall = fc.constantFrom('', 'super();', 'super(first);', 'super(1);', 'super(wrap(first));', 'super(undefined, first);');
  const classPiece = fc
    .record({ name: fc.constantFrom('Timing', 'Gate', 'Helper'), base: fc.constantFrom('', ' extends Base', ' extends BaseMiddleware', ' extends mixin(Base)'), param: firstParam, sup: superCall, members: fc.array(member, { maxLength: 2 }), ctor: fc.boolean() })
    .map(({ name, base, param, sup, members, ctor }) => {
      const firstName = /^\w+/.exec(param)?.[0];
      const body = sup.replace('first', firstName ?? 'x') + (firstName ? ` this.store = ${firstName};` : '');
      return `export class ${name}${base} {\n  ${ctor ? `constructor(${param}) { ${base ? body : ''} }` : ''}\n  ${members.join('\n  ')}\n}\n`;
    });
  const factoryPiece = fc
    .record({ param: firstParam, inner: fc.constantFrom('(request) => inner(request)', '(request) => request', 'function (request) { return getResponse(request); }', '1') })
    .map(({ param, inner }) => `export function make(${param}) {\n  return ${inner.replace('inner', /^\w+/.exec(param)?.[0] ?? 'f')};\n}\n`);
  const otherPiece = fc.constantFrom(
    "import { Base } from './base';",
    'export const MIDDLEWARE = [Timing, Gate];',
    'export const middlewareList = [Timing];',
    '// eslint-disable-next-line onion/return-response',
    '/* the next layer is called by getResponse, see class docs */',
    'const text = "class A extends B { call() {} }";',
    'export interface Response { status: number }',
    'const x = cond ? a : (b);',
  );
  const generatedFile = fc.array(fc.oneof(classPiece, factoryPiece, otherPiece), { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join('\n'));

  it('generated files: a dormant file never holds a stack or a unit judged on its own, and the reports match the full analysis', () => {
    const base = { path: join(repoRoot, 'test', '__virtual__', 'base.ts'), text: 'export class Base {\n  constructor(getResponse) { this.getResponse = getResponse; }\n  call(request) { return this.getResponse(request); }\n}\n' };
    fc.assert(
      fc.property(generatedFile, fc.constantFrom('mw.ts', 'mw.js'), (text, name) => {
        const files = [base, { path: join(repoRoot, 'test', '__virtual__', name), text }];
        checkFiles(files);
        expect(reports(files, false)).toEqual(reports(files, true));
      }),
      { numRuns: 300, seed: 9 },
    );
  });

  it('real code (a fixed sample of node_modules): the same guarantee, file by file and for the reports', () => {
    const all: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        const st = statSync(p, { throwIfNoEntry: false });
        if (st?.isDirectory()) walk(p);
        else if (st?.isFile() && /\.[cm]?[jt]sx?$/.test(name) && st.size < 150_000) all.push(p);
      }
    };
    walk(join(repoRoot, 'node_modules'));
    // Every k-th file: a few hundred varied files, the same on every machine after `npm ci`.
    const step = Math.max(1, Math.floor(all.length / 300));
    const files = all.filter((_, i) => i % step === 0).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    expect(files.length).toBeGreaterThan(200);
    // Most of them contain a word the filter looks for: the sample exercises both stages.
    expect(files.filter((f) => mightHoldMiddleware(f.text, frontend)).length).toBeGreaterThan(20);
    const dormant = checkFiles(files);
    expect(dormant).toBeGreaterThan(files.length / 2);
    expect(reports(files, false)).toEqual(reports(files, true));
  }, 120_000);

  /** Every comment of every node, the plain way: the reference for the pruned walk of collectDirectives. */
  function allDirectives(path: string, text: string) {
    const sf = parse(path, text);
    const seen = new Set<number>();
    const out: Array<{ start: number; end: number }> = [];
    const take = (ranges: Array<{ pos: number; end: number; kind: number }> | undefined) => {
      for (const r of ranges ?? []) {
        if (seen.has(r.pos)) continue;
        seen.add(r.pos);
        const raw = text.slice(r.pos, r.end);
        if (parseDirective(r.kind === T.SyntaxKind.SingleLineCommentTrivia ? raw.slice(2) : raw.slice(2, -2), { start: r.pos, end: r.end })) out.push({ start: r.pos, end: r.end });
      }
    };
    const visit = (node: import('ts-morph').ts.Node): void => {
      take(T.getLeadingCommentRanges(text, node.pos));
      take(T.getTrailingCommentRanges(text, node.end));
      T.forEachChild(node, visit);
    };
    visit(sf);
    take(T.getLeadingCommentRanges(text, sf.endOfFileToken.pos));
    return out.sort((a, b) => a.start - b.start);
  }

  it('finds every suppression comment, wherever it sits, while walking only near them', () => {
    const directive = fc.constantFrom(
      '// eslint-disable-next-line onion/return-response',
      '// onionlint-disable-line',
      '/* onionlint-disable return-response */',
      '/* onionlint-enable */',
      '/*\n   eslint-disable onion/call-next\n */',
      '/* note */ /* eslint-disable */',
      '"/* not a comment */ eslint-disable"',
      '// just a note',
    );
    const line = fc.constantFrom(
      'const response = this.getResponse(request);',
      'if (request.ok) {',
      '}',
      "response.headers['X'] = '1';",
      'return response;',
      'const s = "*/";',
      'foo(/* a */ 1, 2);',
    );
    const text = fc
      .array(fc.tuple(line, fc.option(directive), fc.boolean()), { minLength: 1, maxLength: 12 })
      .map((rows) => {
        const body = rows.map(([l, d, after]) => (d === null ? l : after ? `${l} ${d}` : `${d}\n${l}`)).join('\n');
        return `export class Timing {\n  constructor(getResponse) { this.getResponse = getResponse; }\n  call(request) {\n${body}\n  }\n}\n`;
      });
    fc.assert(
      fc.property(text, (source) => {
        const path = '/virtual/mw.ts';
        const facts = extractFacts(path, source, frontend, 'full');
        if (facts.fatal) return;
        expect(facts.directives.map((d) => ({ start: d.range.start, end: d.range.end }))).toEqual(allDirectives(path, source));
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
