// Benchmark 4, size: bytes on disk per password login (with a command) and per event, where they go
// (event types, counters entries, frame overhead), against bpftrace's text output for the same logins.
// node dist/bench/size.bench.js [--logins N] [--gap-ms MS] [--keep DIR]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureStats, readBatchFrames } from './lib/capture-stats';
import { marginalCosts } from './lib/byte-costs';
import { trainDictionary, whatIfs } from './lib/what-if';
import { auditdAvailable, startAuditd, userAuditBytes } from './lib/auditd';
import { treeTextBytes } from './lib/bpftrace-lines';
import { startBenchServer, type BenchServer } from './lib/sshd';
import { sleep } from './lib/stats';
import { bpftraceAvailable, startBpftrace, startSshtrace, type RunningTracer } from './lib/tracers';
import { BPFTRACE_SCRIPT } from './lib/bpftrace-script';
import { argNumber, argString, heading } from './lib/args';

const COMMAND = 'id -un';

async function loginsUnder(server: BenchServer, tracer: RunningTracer, logins: number, gapMs: number): Promise<void> {
  try {
    for (let i = 0; i < logins; i++) {
      await server.login(COMMAND);
      await sleep(gapMs);
    }
    await sleep(300); // the last exits reach the ring before the stop
  } finally {
    await tracer.stop();
  }
}

export async function sizeBench(argv: readonly string[]): Promise<void> {
  const logins = argNumber(argv, '--logins', 10);
  const gapMs = argNumber(argv, '--gap-ms', 1500);
  const keep = argString(argv, '--keep');
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'sshtr-bench-size-'));
  const server = await startBenchServer();
  try {
    heading(`size: ${logins} password logins running \`${COMMAND}\`, ${gapMs} ms apart`);
    const capture = join(dir, 'logins.sshtrace');
    await loginsUnder(server, await startSshtrace(capture), logins, gapMs);
    report(capture, logins, server.fixture.pid);
    const dictionary = trainDictionary(dir);
    console.log(
      `what-ifs, bytes per login (${dictionary ? `a ${dictionary.length} B dictionary trained on the corpus captures` : 'no corpus or zstd: no dictionary'}):`,
    );
    for (const [what, bytes] of whatIfs(capture, server.fixture.pid, logins, dictionary))
      console.log(`  ${what.padEnd(52)} ${bytes}`);
    if (bpftraceAvailable()) {
      const text = join(dir, 'logins.bpftrace.txt');
      await loginsUnder(server, await startBpftrace(BPFTRACE_SCRIPT, text), logins, gapMs);
      const printed = treeTextBytes(text, server.fixture.pid);
      console.log(
        `bpftrace text output (this sshd's lines): ${printed.lines} lines, ${printed.bytes} B = ${(printed.bytes / logins).toFixed(0)} B per login`,
      );
    } else {
      console.log('bpftrace: not measured (not installed: apt-get install bpftrace)');
    }
    await auditdSizes(server, dir, logins, gapMs);
  } finally {
    await server.stop();
    if (!argString(argv, '--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

/** auditd's log for the same logins: PAM's records only (its default), then with an execve rule. */
async function auditdSizes(server: BenchServer, dir: string, logins: number, gapMs: number): Promise<void> {
  const why = auditdAvailable();
  if (why) {
    console.log(`auditd: not measured: ${why}`);
    return;
  }
  for (const execveRule of [false, true]) {
    const auditd = await startAuditd(dir, execveRule);
    await loginsUnder(
      server,
      {
        pid: null,
        cpuSeconds: () => 0,
        stop: async () => {
          await auditd.stop();
          return '';
        },
      },
      logins,
      gapMs,
    );
    const mine = userAuditBytes(auditd.log, server.user.name, server.user.uid);
    console.log(
      `auditd${execveRule ? ' + execve rule' : ' (PAM records only)'}: ${mine.lines} lines of this user, ` +
        `${mine.bytes} B = ${(mine.bytes / logins).toFixed(0)} B per login (log_format ENRICHED)`,
    );
  }
}

function report(capture: string, logins: number, rootPid: number): void {
  const frames = readBatchFrames(capture, rootPid);
  const s = captureStats(frames);
  const perLogin = (n: number) => (n / logins).toFixed(0);
  console.log(`capture: ${s.fileBytes} B; header frame ${s.headerFrameBytes} B (once per file)`);
  console.log(
    `batch frames: ${s.batchFrames}, ${s.batchStoredBytes} B stored (${perLogin(s.batchStoredBytes)} B per login), ` +
      `${s.batchRawBytes} B msgpack (${(s.batchRawBytes / s.batchStoredBytes).toFixed(2)}x); ${s.foreignEvents} events of other sshds left out`,
  );
  console.log(
    `events: ${s.events} (${perLogin(s.events)} per login), ${s.kernelEventBytes} B raw events; ` +
      `${(s.batchStoredBytes / s.events).toFixed(1)} B stored per event; entries by k: ${JSON.stringify(s.entries)}`,
  );
  const costs = marginalCosts(frames.frames);
  console.log('per login, by event type: count, raw bytes, stored bytes saved if the type were dropped');
  const rows = Object.entries(s.byType).sort((a, b) => b[1].rawBytes - a[1].rawBytes);
  for (const [name, t] of rows) {
    console.log(
      `  ${name.padEnd(12)} ${(t.count / logins).toFixed(1).padStart(6)} ${perLogin(t.rawBytes).padStart(7)} ${perLogin(costs[name] ?? 0).padStart(6)}`,
    );
  }
  for (const k of ['(counters entries)', '(clock entries)'])
    console.log(`  ${k.padEnd(20)} ${perLogin(costs[k] ?? 0).padStart(13)}`);
  console.log(`  (frame headers: ${perLogin(28 * s.batchFrames)} B per login)`);
}

if (require.main === module)
  void sizeBench(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
