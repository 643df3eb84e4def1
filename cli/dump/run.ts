// `sshtrace dump FILE...`: decoded events as JSON lines on stdout; damage summaries on stderr.
import type { Writable } from 'node:stream';
import type { FileSummary } from '../../replay/capture-set';
import { openCaptures } from '../../replay/capture-set';
import { headerLine, jsonLine } from '../../output/event-json';
import { LineSink } from '../../output/line-sink';

export interface DumpArgs {
  readonly files: readonly string[];
  readonly kinds?: readonly string[] | undefined;
}

export interface DumpIo {
  readonly stdout: Writable;
  readonly stderr: (line: string) => void;
}

const processIo: DumpIo = { stdout: process.stdout, stderr: (line) => process.stderr.write(`${line}\n`) };
const MAX_DAMAGE_LINES = 20;

export async function runDump(args: DumpArgs, io: DumpIo = processIo): Promise<void> {
  const set = await openCaptures(args.files);
  const wanted = args.kinds ? new Set(args.kinds) : null;
  const out = new LineSink(io.stdout);
  const pending: string[] = [];
  const onFile = (file: Parameters<typeof headerLine>[0]) => {
    if (!wanted || wanted.has('header')) pending.push(headerLine(file));
  };
  const onFileEnd = (result: FileSummary) => reportDamage(result, io.stderr);
  for await (const event of set.events({ onFile, onFileEnd })) {
    if (pending.length > 0) await out.write(pending.splice(0).join(''));
    if (!wanted || wanted.has(event.kind)) await out.write(jsonLine(event));
    if (out.closed) break; // the reader went away (| head): not an error
  }
  await out.end();
}

function reportDamage({ file, summary }: FileSummary, stderr: (line: string) => void): void {
  const problems = summary.damage;
  if (problems.length === 0 && summary.clean) return;
  const shown = problems.slice(0, MAX_DAMAGE_LINES);
  for (const d of shown)
    stderr(`sshtrace: ${file.path}: ${d.kind} at offset ${d.offset} (${d.length} bytes): ${d.reason}`);
  if (problems.length > shown.length)
    stderr(`sshtrace: ${file.path}: ${problems.length - shown.length} more damaged ranges`);
  if (!summary.clean) stderr(`sshtrace: ${file.path}: no trailer: the recorder was killed or the file was cut`);
}
