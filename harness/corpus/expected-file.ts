// expected.json: a scenario's ground truth as committed beside its capture. Written from what the
// scenario did and observed (never from replay), without what only makes diffs noisy: times, the
// server's pid and port, and the clients' raw output (it holds host paths and the host name).
import { readFileSync } from 'node:fs';
import type { ExpectedConnection, GroundTruth } from '../scenarios/ground-truth';

export const EXPECTED_FORMAT = 1;

export interface CapturedBuild {
  /** What the binary announces, e.g. "OpenSSH_10.0p2 Debian-7+deb13u4". */
  readonly banner: string;
  /** The corpus folder's version, e.g. "10.0p2". */
  readonly version: string;
  readonly distro: string;
  /** dpkg version of openssh-server, e.g. "1:10.0p1-7+deb13u4"; null for a root without dpkg. */
  readonly package: string | null;
}

export type StoredConnection = Omit<ExpectedConnection, 'stdout' | 'stderr' | 'started_at' | 'ended_at'>;

export interface ExpectedFile {
  readonly format: typeof EXPECTED_FORMAT;
  readonly scenario: string;
  readonly description: string;
  readonly openssh: CapturedBuild;
  readonly connections: readonly StoredConnection[];
  readonly checks: GroundTruth['checks'];
}

export function toExpectedFile(truth: GroundTruth, description: string, build: CapturedBuild): ExpectedFile {
  const connections = truth.connections.map((c): StoredConnection => {
    const { stdout: _out, stderr: _err, started_at: _start, ended_at: _end, ...kept } = c;
    return kept;
  });
  return {
    format: EXPECTED_FORMAT,
    scenario: truth.scenario,
    description,
    openssh: build,
    connections,
    checks: truth.checks,
  };
}

export function renderExpectedFile(file: ExpectedFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads and shape-checks an expected.json; throws one line naming the file and what is wrong. */
export function readExpectedFile(path: string): ExpectedFile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `${path}: not readable JSON (${(error as Error).message}); re-record it with "sshtrace corpus record"`,
    );
  }
  const problem = shapeProblem(value);
  if (problem !== null) throw new Error(`${path}: ${problem}; re-record it with "sshtrace corpus record"`);
  return value as ExpectedFile;
}

function shapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (v.format !== EXPECTED_FORMAT)
    return `format ${JSON.stringify(v.format)}, this sshtrace reads format ${EXPECTED_FORMAT}`;
  if (typeof v.scenario !== 'string') return 'no "scenario" name';
  if (!Array.isArray(v.connections)) return 'no "connections" list';
  for (const [i, c] of (v.connections as unknown[]).entries()) {
    const conn = c as Record<string, unknown> | null;
    if (typeof conn !== 'object' || conn === null) return `connections[${i}] is not an object`;
    if (conn.source_port !== null && !Number.isInteger(conn.source_port))
      return `connections[${i}].source_port is not a port`;
    if (!Array.isArray(conn.attempts) || !Array.isArray(conn.sessions))
      return `connections[${i}] lacks attempts or sessions`;
  }
  return null;
}
