// Everything the demo creates that the fixture does not clean by itself: a private temp directory (the capture)
// and the recorder child. An interrupt (SIGINT, SIGTERM, or SIGHUP: the terminal closed) stops the recorder, removes the directory, and exits;
// the fixture's and the clients' own exit handlers then stop sshd and delete the users and their files.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning, waitUntilSync } from '../../harness/fixture/processes';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export class DemoWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'sshtrace-demo-'));
  private recorder: ChildProcess | null = null;
  private readonly onSignal = (signal: NodeJS.Signals) => this.interrupted(signal);
  private readonly onExit = () => this.removeFiles();

  constructor(private readonly say: (line: string) => void) {
    for (const s of SIGNALS) process.on(s, this.onSignal);
    process.on('exit', this.onExit);
  }

  get capture(): string {
    return join(this.dir, 'demo.sshtrace');
  }

  watchRecorder(child: ChildProcess): void {
    this.recorder = child;
  }

  /** The normal end: nothing left to interrupt. */
  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
    process.off('exit', this.onExit);
    this.stopRecorder();
    this.removeFiles();
  }

  private interrupted(signal: NodeJS.Signals): void {
    try {
      this.say(
        `sshtrace demo: interrupted (${signal}): stopping the recorder and the private sshd, deleting its users and files`,
      );
    } catch {
      // The terminal is gone (SIGHUP): clean up all the same.
    }
    this.dispose();
    // Exit handlers run now, synchronously: the fixture's (sshd, users, login records) and the clients'.
    process.exit(128 + (constants.signals[signal] ?? 0));
  }

  /** Synchronous, so it also works from a signal handler: SIGINT (a clean stop), then SIGKILL after 5 s. */
  private stopRecorder(): void {
    const pid = this.recorder?.pid;
    if (pid === undefined || !isRunning(pid)) return;
    try {
      process.kill(pid, 'SIGINT');
      if (!waitUntilSync(() => !isRunning(pid), 5000)) process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }

  private removeFiles(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
