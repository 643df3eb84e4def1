// sshtrace-rootfs: build the cached Debian root filesystems, or check one given by --root.
//   node dist/corpus/rootfs/cli.js build bullseye bookworm trixie sid
//   node dist/corpus/rootfs/cli.js check --root /var/cache/sshtrace/rootfs/trixie
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { RELEASES } from './releases';

interface BuildArgs { releases: string[]; cacheDir: string | undefined; mirror: string | undefined; rebuild: boolean }
interface CheckArgs { root: string }

async function buildCommand(args: BuildArgs): Promise<void> {
  const { ensureRootfs } = await import('./ensure-rootfs.js');
  for (const release of args.releases) {
    const info = await ensureRootfs(release, { cacheDir: args.cacheDir, mirror: args.mirror, rebuild: args.rebuild });
    process.stdout.write(`${info.release}\t${info.opensshVersion}\t${info.path}\n`);
  }
}

async function checkCommand(args: CheckArgs): Promise<void> {
  const { validateRoot } = await import('./validate-root.js');
  process.stdout.write(`${JSON.stringify(validateRoot(args.root), null, 2)}\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await yargs(argv)
      .scriptName('sshtrace-rootfs')
      .command<BuildArgs>('build <releases..>', 'build (once) and cache Debian root filesystems with OpenSSH', (y) => y
        .positional('releases', { type: 'string', array: true, choices: RELEASES.map((r) => r.name), demandOption: true })
        .option('cache-dir', { type: 'string', describe: 'where trees live (default /var/cache/sshtrace/rootfs)' })
        .option('mirror', { type: 'string', describe: 'Debian mirror URL (default deb.debian.org, archive fallback)' })
        .option('rebuild', { type: 'boolean', default: false, describe: 'rebuild even a complete cached tree' })
        .example('$0 build bullseye sid', 'build or reuse two trees'), (a) => buildCommand(a))
      .command<CheckArgs>('check', 'check that a root filesystem has sshd, ssh-keygen and the privsep user', (y) => y
        .option('root', { type: 'string', demandOption: true, describe: 'root filesystem path' })
        .example('$0 check --root /var/cache/sshtrace/rootfs/trixie', 'print what was found'), (a) => checkCommand(a))
      .demandCommand(1).strict().fail((msg, err) => { throw err ?? new Error(msg); })
      .parseAsync();
    return 0;
  } catch (err) {
    process.stderr.write(`sshtrace-rootfs: ${(err as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) void main(hideBin(process.argv)).then((code) => { process.exitCode = code; });
