// Keeps bpf/events.h and replay/events-layout.ts from drifting: the field list comes from the header
// itself, the numbers from gcc (sizeof/offsetof/constant values), and both are compared with the table
// the TypeScript decoder uses.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { CAPS, ENUMS, EV, EVENTS_LAYOUT_VERSION, EVF, KIND_BY_TYPE, LAYOUT, TRACK } from '../../capture/layout';

const HEADER = resolve(__dirname, '../../../bpf/events.h');
const gccMissing = spawnSync('gcc', ['--version']).error ? 'gcc not found: install gcc to check bpf/events.h offsets' : false;

interface Parsed { structs: Map<string, string[]>; enumNames: string[]; defines: string[] }

function parseHeader(text: string): Parsed {
  const source = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const structs = new Map<string, string[]>();
  for (const [, name, body] of source.matchAll(/struct\s+(\w+)\s*\{([\s\S]*?)\};/g)) {
    const fields = body!.split(';').map((d) => d.trim()).filter(Boolean).flatMap(declaredNames);
    structs.set(name!, fields);
  }
  const enumNames = [...source.matchAll(/enum\s+\w+\s*\{([\s\S]*?)\};/g)]
    .flatMap(([, body]) => body!.split(',').map((e) => e.trim().split(/\s|=/)[0]!).filter(Boolean));
  const defines = [...source.matchAll(/^#define[ \t]+(\w+)[ \t]+\S/gm)].map(([, name]) => name!);
  return { structs, enumNames, defines };
}

/** "__u32 uid, euid" → [uid, euid]; "struct creds creds" → [creds]; "char comm[COMM_LEN]" → [comm]. */
function declaredNames(declaration: string): string[] {
  const [first, ...rest] = declaration.split(',');
  const firstName = first!.replace(/\[.*?\]/g, '').trim().split(/\s+/).pop()!;
  return [firstName, ...rest.map((d) => d.replace(/\[.*?\]/g, '').trim())];
}

function compile(parsed: Parsed): Map<string, number> {
  const lines: string[] = [];
  for (const [struct, fields] of parsed.structs) {
    lines.push(`printf("size ${struct} %zu\\n", sizeof(struct ${struct}));`);
    for (const f of fields) lines.push(`printf("field ${struct}.${f} %zu\\n", offsetof(struct ${struct}, ${f}));`);
  }
  for (const name of [...parsed.enumNames, ...parsed.defines]) lines.push(`printf("const ${name} %lld\\n", (long long)(${name}));`);
  const dir = mkdtempSync(join(tmpdir(), 'sshtrace-layout-'));
  try {
    const program = `#include <linux/types.h>\n#include <stddef.h>\n#include <stdio.h>\n#include "${HEADER}"\nint main(void) {\n${lines.join('\n')}\nreturn 0;\n}\n`;
    writeFileSync(join(dir, 'layout.c'), program);
    execFileSync('gcc', ['-std=gnu11', '-Wall', '-Werror', '-o', join(dir, 'layout'), join(dir, 'layout.c')]);
    const output = execFileSync(join(dir, 'layout'), { encoding: 'utf8' });
    return new Map(output.trim().split('\n').map((line) => {
      const [kind, key, value] = line.split(' ');
      return [`${kind} ${key}`, Number(value)] as const;
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('bpf/events.h ↔ replay/events-layout.ts', { skip: gccMissing }, () => {
  const parsed = parseHeader(readFileSync(HEADER, 'utf8'));
  const c = compile(parsed);
  const layout = LAYOUT as Record<string, { size: number; fields: Record<string, number> }>;

  it('has every struct of the header, with the size gcc gives', () => {
    assert.deepEqual(Object.keys(layout).sort(), [...parsed.structs.keys()].sort());
    for (const struct of parsed.structs.keys()) assert.equal(layout[struct]!.size, c.get(`size ${struct}`), `sizeof(struct ${struct})`);
  });

  it('has every field of every struct, at the offset gcc gives', () => {
    for (const [struct, fields] of parsed.structs) {
      assert.deepEqual(Object.keys(layout[struct]!.fields).sort(), [...fields].sort(), `fields of struct ${struct}`);
      for (const f of fields) assert.equal(layout[struct]!.fields[f], c.get(`field ${struct}.${f}`), `offsetof(struct ${struct}, ${f})`);
    }
  });

  it('has the event type numbers, flags, caps and enum values of the header', () => {
    const fromTs = new Map<string, number>([
      ['EVENTS_LAYOUT_VERSION', EVENTS_LAYOUT_VERSION],
      ...Object.entries(EV).map(([k, v]) => [`EV_${k}`, v] as [string, number]),
      ...Object.entries(EVF).map(([k, v]) => [`EVF_${k}`, v] as [string, number]),
      ...Object.entries(TRACK).map(([k, v]) => [`TRACK_${k}`, v] as [string, number]),
      ...Object.entries(CAPS), ...Object.entries(ENUMS),
    ]);
    const fromC = [...parsed.enumNames, ...parsed.defines];
    assert.deepEqual([...fromTs.keys()].sort(), fromC.sort());
    for (const name of fromC) assert.equal(fromTs.get(name), c.get(`const ${name}`), name);
  });

  it('names a model kind for every event type', () => {
    for (const [name, type] of Object.entries(EV)) assert.ok(KIND_BY_TYPE[type], `EV_${name}`);
  });
});
