// `capture.secrets.json`, beside each corpus capture: every password the scenario's throwaway users had and
// every wrong password it typed. The users are deleted when the run ends, so the passwords protect nothing;
// they are kept so that CI, which cannot record, can repeat the proof that none of them reached the capture
// (test/e2e/reliability-secrets.test.ts searches the raw file, every frame and every CLI output for them).
import { readFileSync } from 'node:fs';

export const SECRETS_NOTE =
  'Throwaway passwords of sshtr_ users deleted after the run (and wrong ones the scenario typed), ' +
  'kept so CI can prove they never reached the capture.';

export interface SecretsFile {
  readonly note: string;
  readonly passwords: readonly string[];
}

export function renderSecretsFile(passwords: readonly string[]): string {
  const file: SecretsFile = { note: SECRETS_NOTE, passwords: [...new Set(passwords)] };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads and checks one; throws naming the file when it is not a list of non-empty strings. */
export function readSecretsFile(path: string): SecretsFile {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SecretsFile>;
  const { passwords } = parsed;
  if (!Array.isArray(passwords) || passwords.some((p) => typeof p !== 'string' || p === '')) {
    throw new Error(`${path}: "passwords" must be a list of non-empty strings`);
  }
  return { note: typeof parsed.note === 'string' ? parsed.note : '', passwords };
}
