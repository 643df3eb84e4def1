// The replay progress bar: drawn on a terminal only, for large inputs only, and erased at the end so it never
// mixes with the records on stdout.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressBar } from '../../output/progress';

function fakeStderr(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = {
    isTTY,
    write: (text: string) => {
      written.push(text);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('replay progress bar', () => {
  it('draws the share done, the sizes and what is left on a terminal, then erases itself', () => {
    const { stream, written } = fakeStderr(true);
    const bar = progressBar(64 << 20, stream, 8 << 20);
    bar.update(16 << 20);
    bar.done();
    assert.equal(written.length, 2);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the bar is drawn with terminal escapes
    assert.match(written[0]!, /^\rreplaying \[#{8}\.{22}\] {2}25% 16\.0\/64\.0 MiB, [\d.]+ MiB\/s, \d+s left\x1b\[K$/);
    assert.equal(written[1], '\r\x1b[K');
  });

  it('redraws at most ten times a second', () => {
    const { stream, written } = fakeStderr(true);
    const bar = progressBar(64 << 20, stream, 8 << 20);
    for (let i = 1; i <= 100; i++) bar.update(i << 10);
    assert.equal(written.length, 1);
  });

  it('stays silent when stderr is not a terminal, or the input is small', () => {
    for (const [isTTY, total] of [
      [false, 64 << 20],
      [true, 1 << 20],
    ] as const) {
      const { stream, written } = fakeStderr(isTTY);
      const bar = progressBar(total, stream, 8 << 20);
      bar.update(total / 2);
      bar.done();
      assert.deepEqual(written, [], `isTTY ${isTTY}, ${total} bytes`);
    }
  });
});
