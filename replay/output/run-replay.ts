// `sshtrace replay`: captures → events (in frame groups) → bounded reorder → the model's fold → filters →
// table or JSON lines on stdout. Damage, loss and unknown records are summarised on stderr, one line each.
import type { Writable } from 'node:stream';
import type { OutputRecord } from '../../model/records';
import { DEFAULT_REORDER_WINDOW_NS } from '../../model/reorder';
import { reduceGroups } from '../pipeline';
import { openCaptures, type FileSummary } from '../capture-set';
import { SshtraceError, EXIT } from '../errors';
import { matches, type RecordFilter } from './filters';
import { formatTable } from './table';
import { progressBar } from './progress';
import { LineSink } from './line-sink';

export type ReplayFormat = 'table' | 'jsonl';

export interface ReplayArgs {
  readonly files: readonly string[];
  readonly format: ReplayFormat;
  readonly filter: RecordFilter;
  readonly reorderWindowMs?: number;
  /** Exit non-zero when a capture is damaged or events were lost. */
  readonly strict: boolean;
}

export interface ReplayIo { readonly stdout: Writable; readonly stderr: (line: string) => void }

const processIo: ReplayIo = { stdout: process.stdout, stderr: (line) => process.stderr.write(`${line}\n`) };

export function formatRecord(r: OutputRecord, format: ReplayFormat): string {
  return format === 'jsonl' ? `${JSON.stringify(r)}\n` : `${formatTable(r)}\n`;
}

export async function runReplay(args: ReplayArgs, io: ReplayIo = processIo): Promise<void> {
  const set = await openCaptures(args.files);
  const total = set.files.reduce((sum, f) => sum + f.size, 0);
  let doneBefore = 0;
  const progress = progressBar(total);
  const problems: string[] = [];
  const onFileEnd = ({ file, summary }: FileSummary) => {
    doneBefore += file.size;
    if (summary.damage.length > 0) problems.push(`${file.path}: ${summary.damage.length} damaged range(s)`);
    if (!summary.clean) problems.push(`${file.path}: no trailer (the recorder was killed or the file was cut)`);
  };
  const out = new LineSink(io.stdout);
  const tally = new Tally();
  const batches = set.batches({ onFileEnd, onBytes: (_f, done) => progress.update(doneBefore + done) });
  const windowNs = (args.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_NS / 1e6) * 1e6;
  for await (const records of reduceGroups(batches, { reorderWindowNs: windowNs })) {
    for (const r of records) {
      tally.count(r);
      if (matches(args.filter, r)) await out.write(formatRecord(r, args.format));
    }
    if (out.closed) break; // the reader went away (| head): not an error
  }
  progress.done();
  await out.end();
  report(io, problems, tally, args.strict);
}

/** What stderr should say after the records: damage, loss, anomalies. */
class Tally {
  incomplete = 0;
  anomalies = 0;
  lost = false;
  count(r: OutputRecord): void {
    if ('incomplete' in r && r.incomplete) this.incomplete++;
    if (r.type === 'anomaly') {
      this.anomalies++;
      if (r.what === 'events lost' || r.what === 'damaged capture data') this.lost = true;
    }
  }
}

function report(io: ReplayIo, problems: readonly string[], t: Tally, strict: boolean): void {
  for (const p of problems) io.stderr(`sshtrace: warning: ${p}`);
  if (t.lost || t.incomplete > 0) {
    io.stderr(`sshtrace: warning: ${t.incomplete} record(s) marked incomplete` +
      `${t.lost ? ' (events were lost or the capture is damaged; see the anomaly records)' : ''}`);
  }
  if (strict && (problems.length > 0 || t.lost)) {
    throw new SshtraceError('the capture is damaged or incomplete (--strict)', EXIT.damaged);
  }
}
