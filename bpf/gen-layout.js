// Writes capture/layout.generated.ts from bpf/events.h (npm run gen:layout): names come from parsing the header,
// numbers from a C compiler (sizeof, offsetof, constant values), so TypeScript never copies a layout number.
// The output is committed: building and replaying need no compiler.

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const HEADER = path.join(ROOT, 'bpf', 'events.h');
const OUTPUT = path.join(ROOT, 'capture', 'layout.generated.ts');

/**
 * Event kinds are dump's output and --kinds values: they keep their first names. An EV_ name maps to its kind
 * in lower case, except these, renamed in events.h after their kinds were public.
 */
const KEPT_KINDS = {
  MONITOR_MSG: 'frame', // EV_MONITOR_MSG was EV_FRAME
  MSG_DESYNC: 'frame_desync', // EV_MSG_DESYNC was EV_FRAME_DESYNC
};

/** The capture/events.ts kind of an EV_ name (without the prefix). */
const kindOf = (name) => KEPT_KINDS[name] ?? name.toLowerCase();

/** gcc, else cc; null when neither runs. */
function findCompiler() {
  return ['gcc', 'cc'].find((cc) => spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0) ?? null;
}

/** Structs (fields in declaration order), enums (members in order) and the #defines that have a value. */
function parseHeader(text) {
  const source = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const structs = [...source.matchAll(/struct\s+(\w+)\s*\{([\s\S]*?)\};/g)].map(([, name, body]) => ({
    name,
    fields: body
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .flatMap(declaredFields),
  }));
  const enums = [...source.matchAll(/enum\s+(\w+)\s*\{([\s\S]*?)\};/g)].map(([, name, body]) => ({
    name,
    members: body
      .split(',')
      .map((e) => e.trim().split(/\s|=/)[0])
      .filter(Boolean),
  }));
  const defines = [...source.matchAll(/^#define[ \t]+(\w+)[ \t]+\S/gm)].map(([, name]) => name);
  return { structs, enums, defines };
}

/** "__u32 uid, euid" → uid, euid; "char comm[COMM_LEN]" → comm, an array; "__u8 data[]" → data (flexible: no sizeof). */
function declaredFields(declaration) {
  return declaration.split(',').map((part) => ({
    name: part
      .replace(/\[.*?\]/g, '')
      .trim()
      .split(/\s+/)
      .pop(),
    array: /\[\s*[^\]\s]/.test(part),
  }));
}

/** What the compiler says: "size S", "offset S.f", "bytes S.f" (sizeof a fixed array) and "value NAME" → number. */
function measure(parsed, compiler, header = HEADER) {
  const lines = [];
  for (const { name, fields } of parsed.structs) {
    lines.push(`printf("size ${name} %zu\\n", sizeof(struct ${name}));`);
    for (const f of fields) {
      lines.push(`printf("offset ${name}.${f.name} %zu\\n", offsetof(struct ${name}, ${f.name}));`);
      if (f.array) lines.push(`printf("bytes ${name}.${f.name} %zu\\n", sizeof(((struct ${name} *)0)->${f.name}));`);
    }
  }
  for (const name of [...parsed.enums.flatMap((e) => e.members), ...parsed.defines]) {
    lines.push(`printf("value ${name} %lld\\n", (long long)(${name}));`);
  }
  const program =
    `#include <linux/types.h>\n#include <stddef.h>\n#include <stdio.h>\n#include "${header}"\n` +
    `int main(void) {\n${lines.join('\n')}\nreturn 0;\n}\n`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sshtrace-layout-'));
  try {
    fs.writeFileSync(path.join(dir, 'layout.c'), program);
    execFileSync(compiler, [
      '-std=gnu11',
      '-Wall',
      '-Werror',
      '-o',
      path.join(dir, 'layout'),
      path.join(dir, 'layout.c'),
    ]);
    const output = execFileSync(path.join(dir, 'layout'), { encoding: 'utf8' });
    return new Map(
      output
        .trim()
        .split('\n')
        .map((line) => {
          const [kind, key, value] = line.split(' ');
          return [`${kind} ${key}`, Number(value)];
        }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of capture/layout.generated.ts for the header as it is now. */
function generateLayout(compiler = findCompiler(), header = HEADER) {
  if (!compiler) throw new Error('gen-layout: no C compiler (gcc or cc) to measure bpf/events.h with');
  const parsed = parseHeader(fs.readFileSync(header, 'utf8'));
  return render(parsed, measure(parsed, compiler, header));
}

function render(parsed, measured) {
  const num = (key) => {
    const value = measured.get(key);
    if (value === undefined || Number.isNaN(value)) throw new Error(`gen-layout: the compiler gave no ${key}`);
    return value;
  };
  return [
    '// generated from bpf/events.h by bpf/gen-layout.js — do not edit; run npm run gen:layout',
    "// Names are the header's; sizes, offsets and values are what the C compiler gives for them.",
    '',
    ...constantLines(parsed, num),
    ...structLines(parsed, num),
  ].join('\n');
}

const entries = (names, value, key = (n) => n) => names.map((n) => `  ${key(n)}: ${value(n)},`);

function constantLines(parsed, num) {
  const evNames = eventTypeNames(parsed);
  const flags = (prefix) => parsed.defines.filter((d) => d.startsWith(prefix));
  const flagLines = (prefix) =>
    entries(
      flags(prefix),
      (n) => num(`value ${n}`),
      (n) => suffix(n, prefix),
    );
  const caps = parsed.defines.filter((d) => !/^(EVF_|TRACK_)/.test(d) && d !== 'EVENTS_LAYOUT_VERSION');
  const otherEnums = parsed.enums.filter((e) => e.name !== 'event_type').flatMap((e) => e.members);
  return [
    `export const EVENTS_LAYOUT_VERSION = ${num('value EVENTS_LAYOUT_VERSION')};`,
    '',
    '/** enum event_type, without the EV_ prefix. */',
    'export const EV = {',
    ...entries(evNames, (n) => num(`value EV_${n}`)),
    '} as const;',
    '',
    '/** Event type number → capture/events.ts kind (the EV_ name in lower case, or its kept first name; counters are reported by kind). */',
    'export const KIND_BY_TYPE: Readonly<Record<number, string>> = {',
    ...entries(
      evNames,
      (n) => `'${kindOf(n)}'`,
      (n) => `[EV.${n}]`,
    ),
    '};',
    '',
    '/** event_header.flags bits (EVF_*). */',
    'export const EVF = {',
    ...flagLines('EVF_'),
    '} as const;',
    '',
    '/** Flags of the "tracked" map (TRACK_*). */',
    'export const TRACK = {',
    ...flagLines('TRACK_'),
    '} as const;',
    '',
    '/** The other #defines: array lengths and caps. */',
    'export const CAPS = {',
    ...entries(caps, (n) => num(`value ${n}`)),
    '} as const;',
    '',
    '/** Values of the C enums other than event_type, by C name. */',
    'export const ENUMS = {',
    ...entries(otherEnums, (n) => num(`value ${n}`)),
    '} as const;',
    '',
  ];
}

function structLines(parsed, num) {
  const structs = (lines) => parsed.structs.flatMap(({ name, fields }) => lines(name, fields));
  return [
    'interface StructLayout { readonly size: number; readonly fields: Readonly<Record<string, number>> }',
    '',
    '/** sizeof every struct and offsetof every field. */',
    'export const LAYOUT = {',
    ...structs((name, fields) => [
      `  ${name}: {`,
      `    size: ${num(`size ${name}`)},`,
      '    fields: {',
      ...fields.map((f) => `      ${f.name}: ${num(`offset ${name}.${f.name}`)},`),
      '    },',
      '  },',
    ]),
    '} as const satisfies Record<string, StructLayout>;',
    '',
    '/** sizeof every fixed-length array field (char name[32] → 32), by struct; flexible data[] has none. */',
    'export const ARRAY_BYTES = {',
    ...structs((name, fields) => {
      const arrays = fields.filter((f) => f.array);
      if (arrays.length === 0) return [];
      return [`  ${name}: {`, ...arrays.map((f) => `    ${f.name}: ${num(`bytes ${name}.${f.name}`)},`), '  },'];
    }),
    '} as const satisfies Record<string, Readonly<Record<string, number>>>;',
    '',
    '/** Fixed (minimum) size per event type (EV_X → struct x_event): a shorter event is malformed. */',
    'export const MIN_SIZE_BY_TYPE: Readonly<Record<number, number>> = {',
    ...entries(
      eventTypeNames(parsed),
      (n) => `LAYOUT.${n.toLowerCase()}_event.size`,
      (n) => `[EV.${n}]`,
    ),
    '};',
    '',
  ];
}

/** EV_ names without the prefix; each must have its struct x_event. */
function eventTypeNames(parsed) {
  const eventTypes = parsed.enums.find((e) => e.name === 'event_type');
  if (!eventTypes) throw new Error('gen-layout: events.h has no enum event_type');
  const names = eventTypes.members.map((m) => suffix(m, 'EV_'));
  for (const n of names) {
    const struct = `${n.toLowerCase()}_event`;
    if (!parsed.structs.some((s) => s.name === struct)) throw new Error(`gen-layout: EV_${n} has no struct ${struct}`);
  }
  return names;
}

function suffix(name, prefix) {
  if (!name.startsWith(prefix)) throw new Error(`gen-layout: ${name} does not start with ${prefix}`);
  return name.slice(prefix.length);
}

function main() {
  const text = generateLayout();
  const before = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : null;
  const relative = path.relative(ROOT, OUTPUT);
  if (before === text) return console.error(`gen-layout: ${relative} is up to date`);
  fs.writeFileSync(OUTPUT, text);
  console.error(`gen-layout: wrote ${relative}`);
}

if (require.main === module) main();

module.exports = { HEADER, OUTPUT, KEPT_KINDS, findCompiler, parseHeader, measure, generateLayout };
