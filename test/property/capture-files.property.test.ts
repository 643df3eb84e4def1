import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { TraceEvent } from '../../capture/events';
import { readEvents } from '../../replay';
import { CaptureInputError, FormatTooNewError } from '../../capture/errors';
import { applyMutation, buildCapture, captureSpec, mutation } from '../arbitraries/captures';

const dir = mkdtempSync(join(tmpdir(), 'sshtrace-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function readFile(bytes: Buffer): Promise<TraceEvent[] | Error> {
  const path = join(dir, `f${n++}.sshtrace`);
  writeFileSync(path, bytes);
  const events: TraceEvent[] = [];
  try {
    for await (const e of readEvents([path])) events.push(e);
    return events;
  } catch (error) {
    return error as Error;
  } finally {
    rmSync(path, { force: true });
  }
}

describe('reading capture files from disk (properties)', () => {
  it('either refuses the input with a known error or reads it to a capture_end, whatever the bytes', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.tuple(captureSpec, fc.array(mutation, { maxLength: 5 })).map(([spec, ms]) => {
        const built = buildCapture(spec);
        return ms.reduce((b, m) => applyMutation(b, built.frames, m), built.bytes);
      }),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (b) => {
        const result = await readFile(b);
        if (result instanceof Error) {
          assert.ok(
            result instanceof CaptureInputError || result instanceof FormatTooNewError,
            `unexpected ${result.stack}`,
          );
        } else {
          assert.equal(result.at(-1)!.kind, 'capture_end');
          assert.equal(result.filter((e) => e.kind === 'capture_end').length, 1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
