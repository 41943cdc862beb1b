// The Python parse floor: load web-tree-sitter and the tree-sitter-python grammar once, then read
// every file of a list (one path a line) and parse it, nothing else (each tree freed after use).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

await Parser.init();
const grammar = createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
const parser = new Parser();
parser.setLanguage(await Language.load(new Uint8Array(readFileSync(grammar))));
let nodes = 0;
for (const file of readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)) {
  const tree = parser.parse(readFileSync(file, 'utf8'));
  nodes += tree.rootNode.childCount;
  tree.delete();
}
process.stdout.write(String(nodes));
