// The import graph of the source tree, read with the TypeScript compiler's own pre-processor, and the rules of
// its layers (docs/architecture.md): used by test/unit/layers.test.ts.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** Bottom to top: a folder may import the folders of lower rows and its own files, nothing else. */
export const LAYERS: readonly (readonly string[])[] = [
  ['capture'],
  ['model', 'native'],
  ['record', 'replay'],
  ['output'],
  ['harness'],
  ['cli'],
  ['bench'],
  ['test'],
];

export function layerOf(file: string): string {
  return file.split('/')[0]!;
}

function rank(folder: string): number {
  return LAYERS.findIndex((row) => row.includes(folder));
}

/** file → the project files it imports (relative imports only; paths relative to the root, with .ts). */
export function importsOf(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const folder of LAYERS.flat()) {
    for (const file of tsFiles(root, folder)) {
      const src = readFileSync(join(root, file), 'utf8');
      const targets = ts
        .preProcessFile(src, true, true)
        .importedFiles.map((f) => f.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => resolveImport(root, file, name))
        .filter((t): t is string => t !== null);
      graph.set(file, [...new Set(targets)]);
    }
  }
  return graph;
}

function tsFiles(root: string, dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = posix.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'build' ? [] : tsFiles(root, path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(root: string, from: string, name: string): string | null {
  const base = posix.normalize(posix.join(posix.dirname(from), name)).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (existsSync(join(root, candidate))) return candidate;
  return null; // a JSON file or a generated .js: not part of the layering
}

/** The command folder of a file under cli/ (null for cli's own top-level files and other layers). */
function commandOf(file: string): string | null {
  const parts = file.split('/');
  return parts[0] === 'cli' && parts.length > 2 ? parts[1]! : null;
}

/** "a.ts -> b.ts (why)" for every import that points up a layer or across to a sibling folder. */
export function violations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    const source = layerOf(from);
    for (const to of targets) {
      const target = layerOf(to);
      if (source === target) {
        const [a, b] = [commandOf(from), commandOf(to)];
        if (a !== null && b !== null && a !== b)
          found.push(
            `${from} -> ${to} (commands: cli/${a}/ and cli/${b}/ share code through a library, not each other)`,
          );
        continue;
      }
      if (rank(target) > rank(source)) found.push(`${from} -> ${to} (points up: ${source} is below ${target})`);
      else if (rank(target) === rank(source))
        found.push(`${from} -> ${to} (siblings: ${source} and ${target} share a layer)`);
    }
  }
  return found;
}

/** Every set of files that import each other in a circle (strongly connected components of 2 or more files). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}
