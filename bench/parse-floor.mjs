// The parse floor: read every file and parse it with the TypeScript that ts-morph bundles, nothing else.
import { readFileSync } from 'node:fs';
import { ts } from 'ts-morph';
import { sourceFiles } from './lib.mjs';

let nodes = 0;
for (const file of sourceFiles(process.argv[2])) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  nodes += sf.statements.length;
}
process.stdout.write(String(nodes));
