// The short README beside each corpus capture: what ran, on which build, how, and how to check it.
import { release } from 'node:os';
import type { CorpusTarget } from './corpus-target';

export interface ReadmeInputs {
  readonly target: CorpusTarget;
  readonly scenario: string;
  readonly description: string;
  readonly captureBytes: number;
  readonly capturedAt: Date;
  readonly loginGraceTime: number;
  /** Kernel events of other sshd processes on the machine, left out of the capture. */
  readonly foreignEventsRemoved: number;
}

export function renderReadme(r: ReadmeInputs): string {
  const { build } = r.target;
  const fromRelease = r.target.origin.startsWith('--release');
  const how = fromRelease
    ? `Debian ${build.distro} (a root filesystem built by \`ensureRootfs\`)`
    : `${build.distro} (a root filesystem given with \`--root\`)`;
  const rerun = `sudo npx sshtrace corpus record ${fromRelease ? r.target.origin : `--root ROOT --distro ${build.distro}`} --scenario ${r.scenario}`;
  return [
    `# ${r.scenario} on OpenSSH ${build.version} (${build.distro})`,
    '',
    `${r.description}.`,
    '',
    '| | |',
    '|---|---|',
    `| Captured | ${r.capturedAt.toISOString().slice(0, 10)} |`,
    `| sshd | \`${build.banner}\`${build.package === null ? '' : `, package openssh-server \`${build.package}\``} |`,
    `| Distribution | ${how}, sshd chrooted into it on 127.0.0.1 with the fixture's own config, host keys and \`sshtr_\` users |`,
    `| LoginGraceTime | ${r.loginGraceTime} s |`,
    `| Recorder | \`sshtrace record\` with its defaults, one run for this scenario alone${isolated(r.foreignEventsRemoved)} |`,
    `| Kernel | ${release()} |`,
    `| Capture | \`capture.sshtrace\`, ${r.captureBytes} bytes |`,
    `| Command | \`${rerun}\` |`,
    '',
    '`expected.json` is what the scenario did and what its clients observed (users, methods, outcomes, commands,',
    'exit codes, signals), written by the scenario itself and never from a replay. `npx sshtrace corpus check`',
    "replays the capture and compares. Like every capture, its header keeps the recording host's name, /etc/passwd",
    'and /etc/group; no password ever reaches a capture (checked before it was written here). `capture.secrets.json`',
    'lists the throwaway passwords of this run (its `sshtr_` users were deleted afterwards, and the wrong ones it typed)',
    'so that CI can repeat that check (`test/e2e/reliability-secrets.test.ts`).',
    '',
  ].join('\n');
}

/** Another sshd on the recording machine was busy: its events were left out, the fixture's kept byte for byte. */
function isolated(removed: number): string {
  return removed === 0
    ? ''
    : `; ${removed} kernel records of other sshd processes busy on the machine were left out` +
        " (corpus/foreign-activity.ts isolateCapture), every record of the fixture's process tree kept as recorded";
}
