// `npm run bench`: every benchmark of issue #5 in turn (root, BPF and a private sshd needed; ~25 min).
// `npm run bench:smoke`: the same code paths with tiny sizes, a check that the benchmarks still run (CI may
// run it); its figures mean nothing and nothing here ever fails on a time.
// Results go to stdout; docs/performance.md says how to read them.
import { cpus, loadavg, release } from 'node:os';
import { loginBench } from './login.bench';
import { replayBench } from './replay.bench';
import { sizeBench } from './size.bench';
import { stormBench } from './storm.bench';
import { untrackedBench } from './untracked.bench';

const FULL: readonly [string, (argv: readonly string[]) => Promise<void>, string[]][] = [
  ['login', loginBench, []],
  ['untracked', untrackedBench, []],
  ['storm', stormBench, []],
  ['size', sizeBench, []],
  ['replay', replayBench, []],
];

const SMOKE_ARGS: Record<string, string[]> = {
  login: ['--logins', '1', '--rounds', '1'],
  untracked: ['--iterations', '20000', '--rounds', '1', '--repeats', '1', '--quiet-wait-s', '0'],
  storm: ['--commands', '50', '--ladder', '10000', '--step-s', '1'],
  size: ['--logins', '1', '--gap-ms', '200'],
  replay: ['--events', '20000', '--rounds', '1'],
};

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (process.geteuid?.() !== 0) {
    console.log('bench: skipped: the benchmarks need root (BPF, a private sshd, test users)');
    return;
  }
  console.log(`# sshtrace benchmarks${smoke ? ' (smoke: sizes too small to mean anything)' : ''}`);
  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, kernel ${release()}, node ${process.version}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, ${new Date().toISOString()}`,
  );
  for (const [name, bench, args] of FULL) {
    if (only.length > 0 && !only.includes(name)) continue;
    await bench(smoke ? SMOKE_ARGS[name]! : args);
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
