// Lines to a stream in large writes, honouring backpressure; a closed reader (EPIPE, `| head`) is not an
// error: the sink just reports `closed` so the producer can stop early.
import type { Writable } from 'node:stream';

const FLUSH_BYTES = 64 * 1024;

/** Batches lines into large writes and honours backpressure; EPIPE marks it closed. */
export class LineSink {
  private buffer = '';
  private failure: Error | null = null;
  closed = false;

  constructor(private readonly stream: Writable) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.closed = true;
      if (error.code !== 'EPIPE') this.failure = error;
    });
  }

  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= FLUSH_BYTES) await this.flush();
  }

  async end(): Promise<void> {
    await this.flush();
    if (this.failure) throw this.failure;
  }

  private async flush(): Promise<void> {
    if (this.closed || this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          resolve();
        };
        this.stream.once('drain', done);
        this.stream.once('error', done);
      });
    }
  }
}
