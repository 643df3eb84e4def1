// A one-line progress bar on stderr for long replays: only when stderr is a terminal, redrawn at most
// ten times a second, erased when done so it never mixes with the output.
export interface Progress {
  update(bytesDone: number): void;
  done(): void;
}

const NONE: Progress = { update: () => undefined, done: () => undefined };
const REDRAW_MS = 100;
const WIDTH = 30;

/** Shown for inputs of at least `minBytes` when stderr is a terminal (or when forced). */
export function progressBar(
  totalBytes: number,
  stream: NodeJS.WriteStream = process.stderr,
  minBytes = 8 << 20,
): Progress {
  if (!stream.isTTY || totalBytes < minBytes) return NONE;
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(bytesDone: number) {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      drawn = true;
      stream.write(`\r${line(bytesDone, totalBytes, (now - started) / 1000)}`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

function line(done: number, total: number, seconds: number): string {
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * WIDTH);
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
  return (
    `replaying [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ` +
    `${mib(done)}/${mib(total)} MiB, ${mib(rate)} MiB/s, ${eta.toFixed(0)}s left\x1b[K`
  );
}

function mib(bytes: number): string {
  return (bytes / (1 << 20)).toFixed(1);
}
