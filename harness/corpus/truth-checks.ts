// Before a ground truth is committed, it must agree with itself: the clients exited as the scenario
// says they must, printed what they had to, answered one prompt per password, and every server-side
// check passed. A scenario that went wrong on some build is reported, never committed as truth.
import type { ExpectedConnection, GroundTruth } from '../scenarios/ground-truth';
import { WRONG_PASSWORD_PATTERN } from '../scenarios/scenario';

function connectionProblems(c: ExpectedConnection): string[] {
  const problems: string[] = [];
  const where = c.label;
  if (c.client_exit_status !== c.expected_client_exit_status) {
    const stderr = c.stderr.trim().split('\n').slice(-2).join(' | ');
    problems.push(
      `${where}: client exited ${c.client_exit_status}, the scenario expects ${c.expected_client_exit_status}` +
        (stderr ? ` (stderr: ${stderr})` : ''),
    );
  }
  for (const text of c.stdout_must_include) {
    if (!c.stdout.includes(text)) problems.push(`${where}: the client's output lacks "${text}"`);
  }
  if (c.client !== 'tcp') {
    const prompted = c.attempts.filter((a) => a.method !== 'publickey').length;
    if (c.prompts_answered !== prompted)
      problems.push(`${where}: ${c.prompts_answered} prompts answered for ${prompted} password attempts`);
  }
  if (!Number.isInteger(c.source_port) || c.source_port! <= 0)
    problems.push(`${where}: the client's source port is unknown`);
  if (c.sessions.length > 0 !== c.attempts.some((a) => a.success))
    problems.push(`${where}: sessions without a login, or a login without one`);
  return problems;
}

/** Every reason not to commit this ground truth; [] when it is consistent and holds no secret. */
export function truthProblems(truth: GroundTruth, passwords: readonly string[]): string[] {
  const problems = truth.connections.flatMap(connectionProblems);
  if (truth.connections.length === 0) problems.push('no connection recorded');
  for (const check of truth.checks) if (!check.ok) problems.push(`check failed: ${check.what}`);
  const ports = truth.connections.map((c) => c.source_port);
  if (new Set(ports).size !== ports.length) problems.push('two connections share a source port');
  const text = JSON.stringify(truth);
  if (passwords.some((p) => text.includes(p))) problems.push('a password is in the ground truth');
  if (WRONG_PASSWORD_PATTERN.test(text)) problems.push('a typed wrong password is in the ground truth');
  return problems;
}
