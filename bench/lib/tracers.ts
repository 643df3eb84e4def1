// The things a benchmark compares: nothing, `sshtrace record` (a child process, as in production) and
// bpftrace running a script. Each start resolves once the tracer is attached; stop() ends it by pid.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { startRecorder } from '../../harness/record-scenarios';
import { threadsCpuSeconds } from './cpu';
import { sleep } from './stats';

export interface RunningTracer {
  readonly pid: number | null;
  /** On-CPU seconds of the tracer's threads so far (NaN when there is no tracer). */
  cpuSeconds(): number;
  /** Stops the tracer; resolves with its stderr (or '' for none). */
  stop(): Promise<string>;
}

export const NO_TRACER: RunningTracer = { pid: null, cpuSeconds: () => 0, stop: async () => '' };

export async function startSshtrace(output: string, extraArgs: readonly string[] = []): Promise<RunningTracer> {
  const recorder = await startRecorder(output, extraArgs);
  const pid = recorder.child.pid!;
  return {
    pid,
    cpuSeconds: () => threadsCpuSeconds(pid),
    stop: async () => {
      const code = await recorder.stop();
      if (code !== 0) throw new Error(`sshtrace record exited with ${code}:\n${recorder.stderr()}`);
      return recorder.stderr();
    },
  };
}

/** Whether bpftrace can run here (the baseline variants are skipped, with a note, when it cannot). */
export function bpftraceAvailable(): boolean {
  return spawnSync('bpftrace', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** bpftrace SCRIPT > output; the script must print "ready" from BEGIN. */
export function startBpftrace(script: string, output: string): Promise<RunningTracer> {
  // stdout straight into the file, line-buffered (bpftrace's -o FILE holds lines back until exit)
  const out = openSync(output, 'w');
  const child = spawn('bpftrace', ['-B', 'line', script], { stdio: ['ignore', out, 'pipe'] });
  closeSync(out);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((ready, fail) => {
    const failed = () => fail(new Error(`bpftrace exited before attaching:\n${stderr}`));
    child.once('exit', failed);
    const poll = setInterval(() => {
      if (!outputSaysReady(output)) return;
      clearInterval(poll);
      child.off('exit', failed);
      ready(handle(child, exited, () => stderr));
    }, 50);
    child.once('exit', () => clearInterval(poll));
  });
}

function outputSaysReady(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').includes('ready');
  } catch {
    return false;
  }
}

function handle(child: ChildProcess, exited: Promise<void>, stderr: () => string): RunningTracer {
  const pid = child.pid!;
  return {
    pid,
    cpuSeconds: () => threadsCpuSeconds(pid),
    stop: async () => {
      // bpftrace has been seen to miss a SIGINT under load: ask again, then insist.
      for (const signal of ['SIGINT', 'SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
        if (child.exitCode !== null || child.signalCode !== null) break;
        child.kill(signal);
        await Promise.race([exited, sleep(5000)]);
      }
      await exited;
      return stderr();
    },
  };
}
