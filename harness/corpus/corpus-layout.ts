// Where the committed corpus lives and how it is laid out: one folder per OpenSSH build
// (`<openssh-version>-<distro>`, e.g. 10.0p2-trixie), one folder per scenario below it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The source tree's corpus (this file runs from dist/harness/corpus/, the data lives in corpus/captures/). */
export const DEFAULT_CORPUS_DIR = resolve(__dirname, '../../../corpus/captures');
export const COMPATIBILITY_DOC = resolve(__dirname, '../../../docs/compatibility.md');
/** Hand-written per-build notes that --update-docs copies into the doc. */
export const COMPATIBILITY_NOTES = resolve(__dirname, '../../../corpus/compatibility-notes.md');

export const CAPTURE_FILE = 'capture.sshtrace';
export const EXPECTED_FILE = 'expected.json';
export const README_FILE = 'README.md';
/** Beside the capture (`<capture>.secrets.json`): the throwaway passwords the scenario had, for CI's secret search. */
export const SECRETS_FILE = 'capture.secrets.json';

const BANNER_VERSION = /OpenSSH_(\d+\.\d+(?:p\d+)?)/;
const VERSION_DIR = /^(\d+)\.(\d+)(?:p(\d+))?-([a-z0-9][a-z0-9.+_-]*)$/;

/** "OpenSSH_10.0p2 Debian-7+deb13u4" → "10.0p2"; throws when the banner names no version. */
export function versionOfBanner(banner: string): string {
  const found = BANNER_VERSION.exec(banner);
  if (found === null) throw new Error(`cannot read an OpenSSH version in "${banner}": is it an sshd banner?`);
  return found[1]!;
}

export function buildDirName(banner: string, distro: string): string {
  const name = `${versionOfBanner(banner)}-${distro.toLowerCase()}`;
  if (!VERSION_DIR.test(name)) throw new Error(`"${distro}" cannot name a corpus folder: use letters, digits, . + _ -`);
  return name;
}

/** Sorts build folders by OpenSSH version (numerically), then distro name. */
export function compareBuildDirs(a: string, b: string): number {
  const key = (name: string) => {
    const m = VERSION_DIR.exec(name);
    return m === null ? [Infinity, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  };
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  return a.localeCompare(b);
}

export interface CorpusEntry {
  readonly build: string;
  readonly scenario: string;
  readonly dir: string;
  readonly capture: string;
  readonly expected: string;
  readonly secrets: string;
}

const isDir = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Every `<build>/<scenario>/` folder of the corpus, builds by version, scenarios by name. */
export function listCorpus(corpusDir: string): CorpusEntry[] {
  if (!isDir(corpusDir))
    throw new Error(`no corpus at ${corpusDir}: record one with "sshtrace corpus record" or pass --dir`);
  const builds = readdirSync(corpusDir).filter((b) => VERSION_DIR.test(b) && isDir(join(corpusDir, b)));
  return builds.sort(compareBuildDirs).flatMap((build) =>
    readdirSync(join(corpusDir, build))
      .sort()
      .filter((scenario) => !scenario.startsWith('.') && isDir(join(corpusDir, build, scenario)))
      .map((scenario) => {
        const dir = join(corpusDir, build, scenario);
        return {
          build,
          scenario,
          dir,
          capture: join(dir, CAPTURE_FILE),
          expected: join(dir, EXPECTED_FILE),
          secrets: join(dir, SECRETS_FILE),
        };
      }),
  );
}

/** What a folder lacks to be a complete corpus entry (empty when complete). */
export function missingFiles(entry: CorpusEntry): string[] {
  return [entry.capture, entry.expected, join(entry.dir, README_FILE), entry.secrets].filter((f) => !existsSync(f));
}
