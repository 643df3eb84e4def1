// The tree's layers (docs/architecture.md): every folder imports only the layers below it, never a sibling or a
// layer above, and no file imports itself back through others. Type-only imports count: they tie the code as much.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { findCycles, importsOf, LAYERS, layerOf, violations } from '../support/import-graph';

const ROOT = resolve(__dirname, '../../..');

describe('the layers of the tree', () => {
  const graph = importsOf(ROOT);

  it('reads the imports of every layer (the check sees the code it guards)', () => {
    for (const layer of LAYERS.flat()) {
      const files = [...graph.keys()].filter((f) => layerOf(f) === layer);
      assert.ok(files.length > 0, `no TypeScript file found under ${layer}/`);
    }
    const edges = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
    assert.ok(edges > 300, `only ${edges} imports read: the parser lost them`);
  });

  it('no import points up a layer or across to a sibling', () => {
    assert.deepEqual(violations(graph), []);
  });

  it('no file imports itself back through other files', () => {
    assert.deepEqual(
      findCycles(graph).map((c) => c.join(' -> ')),
      [],
    );
  });

  it('catches an upward import, a sibling import and a cycle (the check can fail)', () => {
    const planted = new Map<string, string[]>([
      ['capture/a.ts', ['model/b.ts']],
      ['model/b.ts', ['capture/a.ts']],
      ['record/c.ts', ['replay/d.ts']],
      ['replay/d.ts', []],
      ['bench/e.ts', ['test/f.ts']],
      ['test/f.ts', []],
      ['cli/watch/run.ts', ['cli/record/run.ts', 'cli/report-error.ts']],
    ]);
    assert.equal(violations(planted).length, 4);
    assert.equal(findCycles(planted).length, 1);
  });

  it('finds every kind of import statement', () => {
    const src =
      "import a from './a';\nimport type { B } from './b';\nexport * from './c';\nconst d = await import('./d.js');\nconst e = require('./e');\n";
    const found = ts.preProcessFile(src, true, true).importedFiles.map((f) => f.fileName);
    assert.deepEqual(found, ['./a', './b', './c', './d.js', './e']);
  });
});

// Keeps the helper honest about the files it skips.
it('the tree has no TypeScript outside the known folders', () => {
  const known = new Set([...LAYERS.flat(), 'bench', 'test']);
  const stray = readdirSync(ROOT).filter((name) => {
    if (name.startsWith('.') || name === 'node_modules' || name === 'dist' || known.has(name)) return false;
    const path = join(ROOT, name);
    return statSync(path).isDirectory() && hasTs(path);
  });
  assert.deepEqual(stray, [], 'a new top-level folder of TypeScript needs a place in LAYERS');
});

function hasTs(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? hasTs(join(dir, e.name)) : e.name.endsWith('.ts') && readFileSync(join(dir, e.name)).length > 0,
  );
}
