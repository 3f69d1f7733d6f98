// Files in src/ over 400 lines and functions over 80 lines (the house's limits): `node scripts/sizes.mjs`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) files.push(path);
  }
};
walk('src');
const long = [];
const fns = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length;
  if (lines > 400) long.push(`${file}: ${String(lines)} lines`);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.end).line;
      const name = node.name?.getText() ?? '(anonymous)';
      fns.push({ where: `${file}:${String(start + 1)} ${name}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
fns.sort((a, b) => b.lines - a.lines);
console.log(long.length === 0 ? 'no file over 400 lines' : long.join('\n'));
console.log('longest functions:');
for (const f of fns.slice(0, 8)) console.log(`  ${String(f.lines).padStart(4)}  ${f.where}`);
process.exitCode = long.length > 0 || (fns[0]?.lines ?? 0) >= 80 ? 1 : 0;
