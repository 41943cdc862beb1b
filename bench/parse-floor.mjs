// The parse floor: read every file of a list (one path a line) and parse it with the TypeScript
// that ts-morph bundles (`ts.createSourceFile`, its defaults), nothing else.
import { readFileSync } from 'node:fs';
import { ts } from 'ts-morph';

let nodes = 0;
for (const file of readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  nodes += sf.statements.length;
}
process.stdout.write(String(nodes));
