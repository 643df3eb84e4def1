// Benchmark 5, replay: events/s and peak RSS replaying a large synthesized capture (a real capture's
// connection repeated with shifted pids/times), against the floor of reading the same file without the
// model (scan, CRC, zstd, msgpack, decode into events). Each run is a fresh process (its own peak RSS:
// VmHWM), floor and replay interleaved, at two sizes to show whether memory stays flat. Replay reads as
// `sshtrace replay` does, skipping the kinds the model ignores (IGNORED_KINDS); `floor-skip` is the floor with
// the same skipping, the like-for-like comparison. Rates are per event in the capture, whatever was skipped.
// node dist/bench/replay.bench.js [--template CAPTURE] [--events N,N] [--rounds R]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaptures } from '../replay/capture-set';
import { reduceGroups } from '../replay/pipeline';
import { IGNORED_KINDS } from '../model';
import { argNumber, argString, heading } from './lib/args';
import { formatSummary, interleave, roundRatios, summarise } from './lib/stats';
import { DEFAULT_TEMPLATE, readTemplate, synthesize } from './lib/synthesize';

const MODES = ['floor', 'floor-skip', 'replay'] as const;
type Mode = (typeof MODES)[number];

interface RunResult {
  readonly events: number;
  readonly records: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

export async function replayBench(argv: readonly string[]): Promise<void> {
  const templatePath = argString(argv, '--template') ?? DEFAULT_TEMPLATE;
  const sizes = (argString(argv, '--events') ?? '1250000,5000000').split(',').map(Number);
  const rounds = argNumber(argv, '--rounds', 3);
  const dir = mkdtempSync(join(tmpdir(), 'sshtr-bench-replay-'));
  try {
    const template = await readTemplate(templatePath);
    heading(`replay: template ${templatePath} (${template.events.length} kernel events per connection)`);
    for (const size of sizes) {
      const path = join(dir, `synth-${size}.sshtrace`);
      const t0 = process.hrtime.bigint();
      const written = await synthesize(template, path, size);
      const writeS = Number(process.hrtime.bigint() - t0) / 1e9;
      console.log(
        `capture: ${written} events, ${(statSync(path).size / 1e6).toFixed(1)} MB, written in ${writeS.toFixed(1)} s`,
      );
      const results: Record<Mode, RunResult[]> = { floor: [], 'floor-skip': [], replay: [] };
      await interleave(MODES, rounds, async (mode) => {
        results[mode].push(runChild(mode, path));
        return 0;
      });
      report(results);
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(mode: Mode, path: string): RunResult {
  const out = execFileSync(process.execPath, [__filename, '--child', mode, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as RunResult;
}

function report(results: Record<Mode, RunResult[]>): void {
  const inCapture = results.floor[0]!.events; // the floor decodes every event; the others skip some
  const rate = (r: RunResult[]) => r.map((x) => inCapture / x.seconds / 1e6);
  const cpuRate = (r: RunResult[]) => r.map((x) => inCapture / x.cpuSeconds / 1e6);
  for (const mode of MODES) {
    const r = results[mode];
    console.log(
      `${mode.padEnd(10)} M events/s (wall) ${formatSummary(summarise(rate(r)), 2)}; per CPU-second ${formatSummary(summarise(cpuRate(r)), 2)}; ` +
        `peak RSS MB ${formatSummary(summarise(r.map((x) => x.peakRssMb)), 0)}; ${r[0]!.events} events → ${r[0]!.records} records`,
    );
  }
  const times = (r: RunResult[]) => r.map((x) => x.seconds);
  const cpus = (r: RunResult[]) => r.map((x) => x.cpuSeconds);
  for (const floor of ['floor', 'floor-skip'] as const) {
    console.log(
      `replay / ${floor}: wall time ${formatSummary(summarise(roundRatios(times(results.replay), times(results[floor]))), 2)}; ` +
        `CPU time ${formatSummary(summarise(roundRatios(cpus(results.replay), cpus(results[floor]))), 2)}`,
    );
  }
}

/** In a fresh process: read (floor) or replay the capture, print one JSON line. */
async function child(mode: Mode, path: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const set = await openCaptures([path]);
  let events = 0;
  let records = 0;
  const skipKinds = mode === 'floor' ? undefined : IGNORED_KINDS;
  if (mode !== 'replay') {
    for await (const group of set.batches({ skipKinds })) events += group.length;
  } else {
    const counted = (async function* () {
      for await (const group of set.batches({ skipKinds })) {
        events += group.length;
        yield group;
      }
    })();
    for await (const group of reduceGroups(counted)) records += group.length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage();
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;
  console.log(JSON.stringify({ events, records, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: hwm }));
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const run = argv[0] === '--child' ? child(argv[1] as Mode, argv[2]!) : replayBench(argv);
  void run.catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
