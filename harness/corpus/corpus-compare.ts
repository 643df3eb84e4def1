// One corpus capture against its expected.json: the scenario comparison (compare.ts), plus what a
// capture holding a single scenario must also satisfy: nothing unexplained, nothing from a connection
// the scenario did not make, nothing incomplete, no damage or loss.
import type { OutputRecord } from '../../model/records';
import { replayFiles } from '../../replay/pipeline';
import type { FileSummary } from '../../replay';
import { compareWithTruth, type Mismatch } from './compare';
import type { CorpusEntry } from './corpus-layout';
import type { ExpectedFile } from './expected-file';

const show = (v: unknown) => JSON.stringify(v);

/** Replays one capture; damage and loss become mismatches rather than exceptions. */
export async function replayEntry(entry: CorpusEntry): Promise<{ records: OutputRecord[]; damage: Mismatch[] }> {
  const damage: Mismatch[] = [];
  const onFileEnd = ({ summary }: FileSummary) => {
    if (!summary.clean)
      damage.push({ where: `${entry.scenario} capture`, expected: 'a clean end (trailer)', actual: 'cut or damaged' });
    if (summary.damage.length > 0)
      damage.push({ where: `${entry.scenario} capture`, expected: 'no damage', actual: show(summary.damage) });
  };
  const records = await replayFiles([entry.capture], { onFileEnd });
  return { records, damage };
}

export function compareEntry(expected: ExpectedFile, records: readonly OutputRecord[]): Mismatch[] {
  const out = compareWithTruth(expected, records);
  const ports = new Set(expected.connections.map((c) => c.source_port));
  for (const r of records) {
    if (r.type === 'anomaly') {
      out.push({
        where: `${expected.scenario} anomaly`,
        expected: 'none',
        actual: `${r.what}: ${r.detail} (pid ${r.pid})`,
      });
      continue;
    }
    const port = r.source?.port ?? null;
    if (!ports.has(port)) {
      out.push({
        where: `${expected.scenario} ${r.type} record`,
        expected: `a source port of ${show([...ports])}`,
        actual: `port ${show(port)}: ${brief(r)}`,
      });
    } else if (r.type === 'connection' && r.incomplete) {
      out.push({
        where: `${expected.scenario} connection (port ${port}) incomplete`,
        expected: 'complete',
        actual: r.incomplete_reasons.join('; '),
      });
    } else if (r.type === 'auth' && r.incomplete) {
      out.push({
        where: `${expected.scenario} auth (port ${port}) incomplete`,
        expected: 'complete',
        actual: `${r.user} ${r.method}`,
      });
    }
  }
  out.push(...compareVersion(expected, records));
  return out;
}

/** Every auth and session record must name the build that was recorded (its banner's version). */
function compareVersion(expected: ExpectedFile, records: readonly OutputRecord[]): Mismatch[] {
  const named = records.filter(
    (r): r is Extract<OutputRecord, { openssh_version: string | null }> => r.type === 'auth' || r.type === 'session',
  );
  const wrong = [...new Set(named.map((r) => r.openssh_version).filter((v) => v !== expected.openssh.version))];
  if (wrong.length === 0) return [];
  const count = named.filter((r) => r.openssh_version !== expected.openssh.version).length;
  return [
    {
      where: `${expected.scenario} openssh_version`,
      expected: show(expected.openssh.version),
      actual: `${show(wrong)} in ${count} of ${named.length} auth/session records`,
    },
  ];
}

function brief(r: Exclude<OutputRecord, { type: 'anomaly' }>): string {
  switch (r.type) {
    case 'auth':
      return `${r.user} ${r.method} ${r.success ? 'accepted' : 'failed'}`;
    case 'session':
      return `session of ${r.user}, ${r.commands.length} commands`;
    case 'connection':
      return `connection ${r.end_reason}`;
    case 'session_start':
      return `session start of ${r.user}`;
  }
}
