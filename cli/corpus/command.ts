// `sshtrace corpus record|check|rootfs`: the yargs modules; the implementation loads on demand.
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../capture/errors';
import { RELEASES } from '../../harness/rootfs/releases';
import type { ArgsOf } from '../command-module';

const stderr = (line: string) => void process.stderr.write(`${line}\n`);
const releaseNames = RELEASES.map((r) => r.name);

const recordBuilder = (yargs: Argv) =>
  yargs
    .option('release', {
      type: 'string',
      choices: releaseNames,
      describe: 'Debian release whose sshd to run in a chroot',
    })
    .option('root', { type: 'string', describe: 'any root filesystem with an sshd in it' })
    .option('distro', {
      type: 'string',
      describe: 'with --root: the distribution part of the folder name (default: its /etc/os-release)',
    })
    .option('scenario', { type: 'string', array: true, describe: 'only this scenario (repeatable; default: all)' })
    .option('out', { type: 'string', describe: 'corpus directory (default: corpus/captures of this checkout)' })
    .conflicts('release', 'root')
    .check((a) => {
      // A UsageError reaches the central handler as a usage error (exit 2), not as a bug.
      if ((a.release === undefined) === (a.root === undefined))
        throw new UsageError('name what to capture: --release NAME or --root PATH');
      if (a.distro !== undefined && a.root === undefined)
        throw new UsageError('--distro goes with --root (a --release names its own folder)');
      return true;
    })
    .example('sudo $0 corpus record --release trixie', "every scenario against trixie's sshd, in a chroot")
    .example(
      'sudo $0 corpus record --root /srv/rootfs --scenario root_login',
      'one scenario against another root filesystem',
    )
    .example('sudo $0 corpus record --release sid --out /tmp/corpus', 'somewhere else than the committed corpus');

const recordSubcommand: CommandModule<object, ArgsOf<typeof recordBuilder>> = {
  command: 'record',
  describe:
    "Capture every scenario against a Debian release's sshd (or any root filesystem's), one capture each (root)",
  builder: recordBuilder,
  handler: async (args) => {
    const { runCorpusRecord } = await import('./run.js');
    await runCorpusRecord({
      release: args.release,
      root: args.root,
      distro: args.distro,
      scenarios: (args.scenario ?? []).map(String),
      out: args.out,
      stderr,
    });
  },
};

const checkBuilder = (yargs: Argv) =>
  yargs
    .option('dir', { type: 'string', describe: 'corpus directory (default: corpus/captures of this checkout)' })
    .option('update-docs', { type: 'boolean', default: false, describe: 'also regenerate docs/compatibility.md' })
    .example('$0 corpus check', 'the compatibility table and a diff for every mismatch; exit 11 on any mismatch')
    .example('$0 corpus check --update-docs', 'the same, and rewrite docs/compatibility.md');

const checkSubcommand: CommandModule<object, ArgsOf<typeof checkBuilder>> = {
  command: 'check',
  describe: 'Replay every corpus capture and compare it with its ground truth (no root needed)',
  builder: checkBuilder,
  handler: async (args) => {
    const { runCorpusCheck } = await import('./run.js');
    const { LineSink } = await import('../../output/line-sink.js');
    // A reader that goes away (`| head`) is not an error.
    const sink = new LineSink(process.stdout);
    try {
      await runCorpusCheck({
        dir: args.dir,
        updateDocs: args['update-docs'],
        stdout: (text) => void sink.write(text),
        stderr,
      });
    } finally {
      await sink.end();
    }
  },
};

const rootfsBuildBuilder = (yargs: Argv) =>
  yargs
    .positional('releases', {
      type: 'string',
      array: true,
      choices: releaseNames,
      demandOption: true,
      describe: 'Debian releases',
    })
    .option('cache-dir', { type: 'string', describe: 'where the trees live (default /var/cache/sshtrace/rootfs)' })
    .option('mirror', {
      type: 'string',
      describe: 'Debian mirror URL (default deb.debian.org, with the archive as fallback)',
    })
    .option('rebuild', { type: 'boolean', default: false, describe: 'rebuild even a complete cached tree' })
    .example(
      'sudo $0 corpus rootfs build bullseye sid',
      'build (once) or reuse two trees; prints release, OpenSSH version, path',
    );

const rootfsBuild: CommandModule<object, ArgsOf<typeof rootfsBuildBuilder>> = {
  command: 'build <releases..>',
  describe: 'Build (once) and cache Debian root filesystems with OpenSSH, for corpus record --release (root)',
  builder: rootfsBuildBuilder,
  handler: async (args) => {
    const { runRootfsBuild } = await import('./rootfs.js');
    await runRootfsBuild({
      releases: args.releases.map(String),
      cacheDir: args['cache-dir'],
      mirror: args.mirror,
      rebuild: args.rebuild,
      stdout: (text) => void process.stdout.write(text),
      stderr,
    });
  },
};

const rootfsCheckBuilder = (yargs: Argv) =>
  yargs
    .option('root', { type: 'string', demandOption: true, describe: 'root filesystem path' })
    .example(
      '$0 corpus rootfs check --root /var/cache/sshtrace/rootfs/trixie',
      'what was found: sshd, ssh-keygen, the privsep user',
    );

const rootfsCheck: CommandModule<object, ArgsOf<typeof rootfsCheckBuilder>> = {
  command: 'check',
  describe: 'Check that a root filesystem has sshd, ssh-keygen and the privilege-separation user',
  builder: rootfsCheckBuilder,
  handler: async (args) => {
    const { runRootfsCheck } = await import('./rootfs.js');
    await runRootfsCheck(args.root, (text) => void process.stdout.write(text));
  },
};

const rootfsSubcommand: CommandModule<object, object> = {
  command: 'rootfs [command]',
  describe: 'Build or check the Debian root filesystems that corpus record --release uses',
  builder: (yargs: Argv) =>
    yargs
      .command(rootfsBuild)
      .command(rootfsCheck)
      .demandCommand(1, 'name a rootfs command: build or check')
      .example('sudo $0 corpus rootfs build trixie', "trixie's root filesystem, built once into the cache"),
  handler: () => undefined,
};

const CORPUS_DESCRIBE = 'Record and check the corpus of real sshd captures with ground truth';

export const corpusCommand: CommandModule<object, object> = {
  // An optional positional, so that a missing or unknown subcommand reaches demandCommand's message (which
  // names the subcommands) instead of yargs' "Not enough non-option arguments".
  command: 'corpus [command]',
  describe: CORPUS_DESCRIBE,
  builder: (yargs: Argv) =>
    yargs
      .usage(`$0 corpus <command>\n\n${CORPUS_DESCRIBE}`)
      .command(recordSubcommand)
      .command(checkSubcommand)
      .command(rootfsSubcommand)
      .demandCommand(1, 'name a corpus command: record, check or rootfs')
      .example(
        'sudo $0 corpus record --release bookworm',
        "capture every scenario against bookworm's sshd (needs root)",
      )
      .example('$0 corpus check', 'replay the committed corpus and compare it with its ground truth')
      .example('sudo $0 corpus rootfs build trixie', 'build the chroot corpus record --release trixie runs in')
      .example('$0 corpus <command> --help', 'the options of record, check or rootfs, with more examples'),
  handler: () => undefined,
};
