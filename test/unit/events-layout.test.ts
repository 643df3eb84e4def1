// capture/layout.generated.ts must be what bpf/gen-layout.js makes of bpf/events.h now, and hold gcc's numbers.
// Without a C compiler this skips, except in CI, where a skipped check would let a stale layout through.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import * as layout from '../../capture/layout';

interface Generator {
  HEADER: string;
  OUTPUT: string;
  KEPT_KINDS: Readonly<Record<string, string>>;
  findCompiler(): string | null;
  parseHeader(text: string): unknown;
  measure(parsed: unknown, compiler: string): Map<string, number>;
  generateLayout(compiler: string): string;
}

// Plain JS so that it runs without tsc; require() because the project compiles no JS.
const generator = require(resolve(__dirname, '../../../bpf/gen-layout.js')) as Generator;
const compiler = generator.findCompiler();
const NO_COMPILER = 'no C compiler (gcc or cc) to regenerate capture/layout.generated.ts from bpf/events.h';

function needCompiler(): string {
  assert.ok(compiler, `${NO_COMPILER}; CI is set, so this fails rather than skips: install gcc`);
  return compiler;
}

const skip = compiler || process.env.CI ? false : NO_COMPILER;

describe('capture/layout.generated.ts ↔ bpf/events.h', () => {
  it('is what gen-layout.js makes of the header today', { skip }, () => {
    const fresh = generator.generateLayout(needCompiler());
    const committed = readFileSync(generator.OUTPUT, 'utf8');
    if (fresh === committed) return;
    const [a, b] = [committed.split('\n'), fresh.split('\n')];
    const line = a.findIndex((text, i) => text !== b[i]);
    const at = line === -1 ? a.length : line;
    assert.fail(
      `capture/layout.generated.ts is stale or edited by hand: run npm run gen:layout ` +
        `(line ${at + 1} is ${JSON.stringify(a[at])}, the header gives ${JSON.stringify(b[at])})`,
    );
  });

  it('holds the numbers gcc gives for every struct, field, array and constant of the header', { skip }, () => {
    const parsed = generator.parseHeader(readFileSync(generator.HEADER, 'utf8'));
    assert.deepEqual(fromTypeScript(), generator.measure(parsed, needCompiler()));
  });
});

it('names a kind and a minimum size for every event type', () => {
  for (const [name, type] of Object.entries(layout.EV)) {
    assert.equal(layout.KIND_BY_TYPE[type], generator.KEPT_KINDS[name] ?? name.toLowerCase(), `EV_${name}`);
    assert.ok(layout.MIN_SIZE_BY_TYPE[type]! >= layout.LAYOUT.event_header.size, `EV_${name}`);
  }
});

it('keeps the monitor message kinds dump prints and --kinds takes: frame and frame_desync', () => {
  assert.equal(layout.KIND_BY_TYPE[layout.EV.MONITOR_MSG], 'frame');
  assert.equal(layout.KIND_BY_TYPE[layout.EV.MSG_DESYNC], 'frame_desync');
});

/** The generated module's numbers, keyed as measure() keys gcc's. */
function fromTypeScript(): Map<string, number> {
  const found = new Map<string, number>([['value EVENTS_LAYOUT_VERSION', layout.EVENTS_LAYOUT_VERSION]]);
  const add = (kind: string, prefix: string, values: Readonly<Record<string, number>>) => {
    for (const [name, value] of Object.entries(values)) found.set(`${kind} ${prefix}${name}`, value);
  };
  add('value', 'EV_', layout.EV);
  add('value', 'EVF_', layout.EVF);
  add('value', 'TRACK_', layout.TRACK);
  add('value', '', layout.CAPS);
  add('value', '', layout.ENUMS);
  for (const [struct, { size, fields }] of Object.entries(layout.LAYOUT)) {
    found.set(`size ${struct}`, size);
    add('offset', `${struct}.`, fields);
  }
  for (const [struct, arrays] of Object.entries(layout.ARRAY_BYTES)) add('bytes', `${struct}.`, arrays);
  return found;
}
