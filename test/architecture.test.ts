import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';

/*
 * Layering (ARCHITECTURE.md): only front-ends touch a parser. The flow core (src/flow/) is shared by
 * the TypeScript and Python front-ends, and the rules are language-neutral, so neither may import a
 * parser or a front-end: not directly (type imports included), and not through what they load at run time.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PARSER_PACKAGES = /^(ts-morph|typescript|web-tree-sitter|tree-sitter(-[\w-]+)?)(\/|$)/;
const FRONTENDS = join(ROOT, 'src', 'frontends');

interface ImportRef {
  specifier: string;
  /** Erased at compile time (`import type`, `export type`): nothing is loaded. */
  typeOnly: boolean;
}

function importsOf(file: string): ImportRef[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? !!node.importClause?.isTypeOnly : node.isTypeOnly;
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      const arg = node.arguments[0];
      refs.push({ specifier: arg && ts.isStringLiteralLike(arg) ? arg.text : '<computed>', typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      refs.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** The source file a relative specifier names (`./x.js` is `./x.ts` in the sources). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

/** Every way `file` reaches a parser or a front-end: its own imports of any kind, then what it loads at run time. */
function parserReach(file: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const queue: Array<{ file: string; via: string[] }> = [{ file, via: [] }];
  while (queue.length > 0) {
    const { file: current, via } = queue.shift()!;
    if (seen.has(current)) continue;
    seen.add(current);
    const chain = [...via, relative(ROOT, current)];
    for (const ref of importsOf(current)) {
      // The file's own type imports count too; beyond it only run-time loads do.
      if (ref.typeOnly && current !== file) continue;
      if (ref.specifier === '<computed>') problems.push(`${chain.join(' -> ')} loads a computed module`);
      else if (PARSER_PACKAGES.test(ref.specifier)) problems.push(`${chain.join(' -> ')} imports ${ref.specifier}`);
      else if (ref.specifier.startsWith('.')) {
        const target = resolveRelative(current, ref.specifier);
        if (!target) continue;
        if (target.startsWith(FRONTENDS + '/')) problems.push(`${chain.join(' -> ')} imports ${relative(ROOT, target)}`);
        else if (!ref.typeOnly) queue.push({ file: target, via: chain });
      }
    }
  }
  return problems;
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f))
    .sort();
}

describe('architecture: only front-ends touch a parser', () => {
  const flowCore = tsFilesUnder(join(ROOT, 'src', 'flow'));
  const rules = tsFilesUnder(join(ROOT, 'rules'));

  it('finds the files it guards', () => {
    expect(flowCore.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['src/flow/state.ts', 'src/flow/control.ts', 'src/flow/summary.ts', 'src/flow/index.ts']));
    expect(rules.length).toBeGreaterThan(10);
  });

  it('the check sees a parser import, directly and through a run-time import', () => {
    expect(parserReach(join(ROOT, 'src', 'frontends', 'ts', 'flow.ts'))).toEqual(expect.arrayContaining([expect.stringContaining('imports ts-morph')]));
    // src/link/index.ts loads aliases.ts, which loads the TypeScript front-end's `ts` at run time.
    expect(parserReach(join(ROOT, 'src', 'link', 'index.ts'))).toEqual(expect.arrayContaining([expect.stringMatching(/src\/link\/aliases\.ts imports src\/frontends\/ts\/typescript\.ts/)]));
  });

  it('the flow core (src/flow/) imports no parser and no front-end', () => {
    expect(flowCore.flatMap(parserReach)).toEqual([]);
  });

  it('the flow core imports nothing outside itself but the model', () => {
    const outside = flowCore.flatMap((f) =>
      importsOf(f)
        .filter((r) => !r.specifier.startsWith('./') && r.specifier !== '../model.js')
        .map((r) => `${relative(ROOT, f)} imports ${r.specifier}`),
    );
    expect(outside).toEqual([]);
  });

  it('rules (rules/) import no parser and no front-end', () => {
    expect(rules.flatMap(parserReach)).toEqual([]);
  });
});
