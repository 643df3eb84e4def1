// The implementation behind `sshtrace corpus rootfs build|check`: the cached Debian root filesystems that
// `corpus record --release` runs sshd in.
import { EXIT, SshtraceError } from '../../capture/errors';

export interface RootfsBuildInputs {
  readonly releases: readonly string[];
  readonly cacheDir: string | undefined;
  readonly mirror: string | undefined;
  readonly rebuild: boolean;
  readonly stdout: (text: string) => void;
  readonly stderr: (line: string) => void;
}

export async function runRootfsBuild(inputs: RootfsBuildInputs): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new SshtraceError(
      'corpus rootfs build needs root (debootstrap, chroot, mounts): run it with sudo',
      EXIT.privileges,
    );
  }
  const { ensureRootfs } = await import('../../harness/rootfs/ensure-rootfs.js');
  for (const release of inputs.releases) {
    const info = await ensureRootfs(release, {
      cacheDir: inputs.cacheDir,
      mirror: inputs.mirror,
      rebuild: inputs.rebuild,
      progress: (line) => inputs.stderr(`sshtrace corpus: [rootfs] ${line}`),
    });
    inputs.stdout(`${info.release}\t${info.opensshVersion}\t${info.path}\n`);
  }
}

export async function runRootfsCheck(root: string, stdout: (text: string) => void): Promise<void> {
  const { validateRoot } = await import('../../harness/rootfs/validate-root.js');
  let found: ReturnType<typeof validateRoot>;
  try {
    found = validateRoot(root);
  } catch (error) {
    throw new SshtraceError((error as Error).message, EXIT.inputMissing);
  }
  stdout(`${JSON.stringify(found, null, 2)}\n`);
}
