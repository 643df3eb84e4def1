// `sshtrace replay`: captures → events (in frame groups) → bounded reorder → the model's fold → filters →
// table or JSON lines on stdout. Damage, loss and unknown events are summarised on stderr, one line each.
import type { Writable } from 'node:stream';
import type { CountersEvent, TraceEvent } from '../../capture/events';
import type { OutputRecord } from '../../model/records';
import { DEFAULT_REORDER_WINDOW_NS } from '../../replay/reorder';
import { reduceGroups } from '../../replay/pipeline';
import { IGNORED_KINDS } from '../../model';
import { openCaptures, type FileSummary } from '../../replay/capture-set';
import type { CaptureFile } from '../../capture/file-reader';
import { continues } from '../../replay/segments';
import { SshtraceError, EXIT } from '../../capture/errors';
import { matches, type RecordFilter } from '../../output/filters';
import { progressBar } from '../../output/progress';
import { LineSink } from '../../output/line-sink';
import type { SiemContext } from '../../output/siem-context';
import { formatRecord, type ReplayFormat } from '../../output/format-record';
import { toolVersion } from '../../capture/tool-version';
import { missingEvidence } from '../../capture/skipped-programs';

export interface ReplayArgs {
  readonly files: readonly string[];
  readonly format: ReplayFormat;
  readonly filter: RecordFilter;
  readonly reorderWindowMs?: number;
  /** Exit non-zero when a capture is damaged or events were lost. */
  readonly strict: boolean;
}

export interface ReplayIo {
  readonly stdout: Writable;
  readonly stderr: (line: string) => void;
}

const processIo: ReplayIo = { stdout: process.stdout, stderr: (line) => process.stderr.write(`${line}\n`) };

export async function runReplay(args: ReplayArgs, io: ReplayIo = processIo): Promise<void> {
  const set = await openCaptures(args.files);
  const total = set.files.reduce((sum, f) => sum + f.size, 0);
  let doneBefore = 0;
  const progress = progressBar(total);
  const problems: string[] = [];
  const onFileEnd = (result: FileSummary) => {
    doneBefore += result.file.size;
    problems.push(...fileProblems(result));
  };
  const out = new LineSink(io.stdout);
  const context: SiemContext = {
    hostname: set.files.find((f) => f.header)?.header?.hostname ?? null,
    toolVersion: toolVersion(),
  };
  const tally = new Tally();
  let previous: CaptureFile | undefined;
  const onFile = (file: CaptureFile) => {
    if (!continues(previous, file)) tally.newRecording(); // a rotated segment's counters go on from its predecessor's
    previous = file;
  };
  const batches = watchLosses(
    set.batches({
      onFile,
      onFileEnd,
      onBytes: (_f, done) => progress.update(doneBefore + done),
      skipKinds: IGNORED_KINDS,
    }),
    tally,
  );
  const windowNs = (args.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_NS / 1e6) * 1e6;
  for await (const records of reduceGroups(batches, { reorderWindowNs: windowNs })) {
    for (const r of records) {
      tally.count(r);
      if (matches(args.filter, r)) await out.write(formatRecord(r, args.format, context));
    }
    if (out.closed) break; // the reader went away (| head): not an error
  }
  progress.done();
  await out.end();
  report(io, problems, tally, args.strict);
}

const MAX_RANGES_SHOWN = 5;

/** One line per kind of trouble in a file: damaged ranges (where), a missing trailer, unreadable kernel events. */
export function fileProblems({ file, summary }: FileSummary): string[] {
  const out: string[] = [];
  const damage = summary.damage;
  if (damage.length > 0) {
    const shown = damage.slice(0, MAX_RANGES_SHOWN).map((d) => `${d.kind} ${d.offset}+${d.length} (${d.reason})`);
    if (damage.length > shown.length) shown.push(`${damage.length - shown.length} more (sshtrace dump lists them all)`);
    out.push(
      `${file.path}: ${damage.length} damaged range(s), intact frames around them were read: ${shown.join('; ')}`,
    );
  }
  for (const gap of missingEvidence(file.header?.options ?? {})) out.push(`${file.path}: recorded where ${gap}`);
  if (!summary.clean)
    out.push(
      `${file.path}: no trailer (the recorder was killed or the file was cut): read up to the last complete frame`,
    );
  const { unknown, malformed, unknownTypes } = summary.decode;
  if (unknown > 0) {
    out.push(
      `${file.path}: skipped ${unknown} kernel record(s) of unknown type ${[...unknownTypes].sort((a, b) => a - b).join(', ')} (a newer recorder? upgrade sshtrace)`,
    );
  }
  if (malformed > 0) out.push(`${file.path}: skipped ${malformed} malformed kernel record(s)`);
  return out;
}

/** Passes event groups through, remembering the highest loss counters of each file (they are cumulative). */
async function* watchLosses(groups: AsyncIterable<TraceEvent[]>, tally: Tally): AsyncGenerator<TraceEvent[]> {
  for await (const group of groups) {
    for (const e of group) {
      if (e.kind === 'counters') tally.counters(e);
    }
    yield group;
  }
}

/** What stderr should say after the records: damage, loss, anomalies. */
class Tally {
  incomplete = 0;
  anomalies = 0;
  lost = false;
  private lostBefore = { kernel: 0, user: 0 };
  private lostInFile = { kernel: 0, user: 0 }; // in the current recording (its counters are cumulative)
  count(r: OutputRecord): void {
    if ('incomplete' in r && r.incomplete) this.incomplete++;
    if (r.type === 'anomaly') {
      this.anomalies++;
      if (r.what === 'events lost' || r.what === 'damaged capture data') this.lost = true;
    }
  }
  counters(e: CountersEvent): void {
    const kernel = Object.values(e.dropped).reduce((a, b) => a + b, 0);
    this.lostInFile = {
      kernel: Math.max(kernel, this.lostInFile.kernel),
      user: Math.max(e.userDropped, this.lostInFile.user),
    };
  }
  newRecording(): void {
    this.lostBefore = this.recorderLosses;
    this.lostInFile = { kernel: 0, user: 0 };
  }
  get recorderLosses(): { kernel: number; user: number } {
    return {
      kernel: this.lostBefore.kernel + this.lostInFile.kernel,
      user: this.lostBefore.user + this.lostInFile.user,
    };
  }
}

function lossSummary(t: Tally): string {
  const { kernel, user } = t.recorderLosses;
  const parts: string[] = [];
  if (kernel > 0)
    parts.push(`${kernel} event(s) dropped in the kernel (ring buffer full: record with a larger --ring-buffer-size)`);
  if (user > 0) parts.push(`${user} event(s) dropped by the recorder (it fell behind)`);
  const marked = `${t.incomplete} record(s) marked incomplete`;
  if (parts.length > 0) return `${parts.join(', ')}; ${marked}`;
  return `${marked}${t.lost ? ' (the capture is damaged; see the anomaly records)' : ''}`;
}

function report(io: ReplayIo, problems: readonly string[], t: Tally, strict: boolean): void {
  for (const p of problems) io.stderr(`sshtrace: warning: ${p}`);
  const { kernel, user } = t.recorderLosses;
  const lostEvents = kernel + user > 0;
  if (t.lost || lostEvents || t.incomplete > 0) io.stderr(`sshtrace: warning: ${lossSummary(t)}`);
  if (strict && (problems.length > 0 || t.lost || lostEvents)) {
    throw new SshtraceError(
      'the capture is damaged or events were lost (--strict): see the warnings above',
      EXIT.damaged,
    );
  }
}
