// What the demo prints after the tour: the replayed records of its own sshd, grouped, each group with one line
// saying what the reader is looking at. The record lines are exactly `sshtrace replay`'s table.
import type { OutputRecord } from '../../model/records';
import { formatTable } from '../../output/table';

interface Part {
  readonly title: string;
  readonly explain: string;
  readonly records: readonly OutputRecord[];
}

/** The records of one sshd (its listener pid): the demo never shows another sshd running on the machine. */
export function recordsOfListener(records: readonly OutputRecord[], listener: number): OutputRecord[] {
  const ours = new Set<string>();
  const kept: OutputRecord[] = [];
  for (const r of records) {
    if ((r.type === 'auth' || r.type === 'session' || r.type === 'connection') && r.pids.listener === listener) {
      ours.add(r.connection);
      kept.push(r);
    }
  }
  return [...kept, ...records.filter((r) => r.type === 'anomaly' && (r.connection === null || ours.has(r.connection)))];
}

export function presentRecords(records: readonly OutputRecord[]): string[] {
  const auth = records.filter((r) => r.type === 'auth');
  const accepted = auth.filter((r) => r.type === 'auth' && r.success).length;
  const parts: Part[] = [
    {
      title: `Authentication attempts: ${auth.length} (${accepted} accepted, ${auth.length - accepted} refused)`,
      explain:
        'one line per password or key that sshd accepted or refused: when, method, user ("invalid user" when the account does not exist), client address and port, key fingerprint',
      records: auth,
    },
    {
      title: `Sessions: ${records.filter((r) => r.type === 'session').length}`,
      explain:
        'one block per login: user, client, terminal (pts/N) or none, when it ended and why; then every program started in it: ' +
        'start time, channel, how long it ran, how it ended (exit code, signal, or "exec" when it became the next program), pid, command line. ' +
        "The user's shell comes first (-bash for a login shell, bash -c for a command), and a login shell runs a few programs of its own " +
        "(Debian's /etc/profile runs id -u)",
      records: records.filter((r) => r.type === 'session'),
    },
    {
      title: `Connections that never logged in: ${records.filter((r) => r.type === 'connection').length}`,
      explain: 'the client, the user it asked for, how many attempts it made, and how the connection ended',
      records: records.filter((r) => r.type === 'connection'),
    },
  ];
  const anomalies = records.filter((r) => r.type === 'anomaly');
  if (anomalies.length > 0)
    parts.push({
      title: `Anomalies: ${anomalies.length}`,
      explain: 'what sshtrace saw but could not explain',
      records: anomalies,
    });
  return parts.flatMap((p) => [
    '',
    `  ${p.title}`,
    ...wrap(p.explain, 100).map((l) => `  ${l}`),
    '',
    ...p.records.map(formatTable),
  ]);
}

/** Word-wraps a sentence to lines of at most `width` characters, as a parenthesised note. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of `(${text})`.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return line === '' ? lines : [...lines, line];
}
