// `sshtrace corpus record|check`: the yargs modules; the implementation loads on demand.
import type { Argv, CommandModule } from 'yargs';
import { RELEASES } from '../../../corpus/rootfs/releases';
import { UsageError } from '../../errors';

export interface CorpusRecordArgs {
  readonly release: string | undefined;
  readonly root: string | undefined;
  readonly distro: string | undefined;
  readonly scenario: string[] | undefined;
  readonly out: string | undefined;
}

export interface CorpusCheckArgs {
  readonly dir: string | undefined;
  readonly 'update-docs': boolean;
}

const recordSubcommand: CommandModule<object, CorpusRecordArgs> = {
  command: 'record',
  describe: 'Capture every scenario against a Debian release\'s sshd (or any root filesystem\'s), one capture each (root)',
  builder: (yargs: Argv) =>
    yargs
      .option('release', { type: 'string', choices: RELEASES.map((r) => r.name), describe: 'Debian release whose sshd to run in a chroot' })
      .option('root', { type: 'string', describe: 'any root filesystem with an sshd in it' })
      .option('distro', { type: 'string', describe: 'with --root: the distribution part of the folder name (default: its /etc/os-release)' })
      .option('scenario', { type: 'string', array: true, describe: 'only this scenario (repeatable; default: all)' })
      .option('out', { type: 'string', describe: 'corpus directory (default: corpus/captures of this checkout)' })
      .conflicts('release', 'root')
      .check((a) => {
        // A UsageError reaches the central handler as a usage error (exit 2), not as a bug.
        if ((a.release === undefined) === (a.root === undefined)) throw new UsageError('name what to capture: --release NAME or --root PATH');
        if (a.distro !== undefined && a.root === undefined) throw new UsageError('--distro goes with --root (a --release names its own folder)');
        return true;
      })
      .example('sudo $0 corpus record --release trixie', 'every scenario against trixie\'s sshd, in a chroot')
      .example('sudo $0 corpus record --root /srv/rootfs --scenario root_login', 'one scenario against another root filesystem')
      .example('sudo $0 corpus record --release sid --out /tmp/corpus', 'somewhere else than the committed corpus') as unknown as Argv<CorpusRecordArgs>,
  handler: async (args) => {
    const { runCorpusRecord } = await import('../../../corpus/corpus-command.js');
    await runCorpusRecord({
      release: args.release, root: args.root, distro: args.distro, scenarios: args.scenario ?? [], out: args.out,
      stderr: (line) => process.stderr.write(`${line}\n`),
    });
  },
};

const checkSubcommand: CommandModule<object, CorpusCheckArgs> = {
  command: 'check',
  describe: 'Replay every corpus capture and compare it with its ground truth (no root needed)',
  builder: (yargs: Argv) =>
    yargs
      .option('dir', { type: 'string', describe: 'corpus directory (default: corpus/captures of this checkout)' })
      .option('update-docs', { type: 'boolean', default: false, describe: 'also regenerate docs/compatibility.md' })
      .example('$0 corpus check', 'the compatibility table and a diff for every mismatch; exit 11 on any mismatch')
      .example('$0 corpus check --update-docs', 'the same, and rewrite docs/compatibility.md') as unknown as Argv<CorpusCheckArgs>,
  handler: async (args) => {
    const { runCorpusCheck } = await import('../../../corpus/corpus-command.js');
    const { LineSink } = await import('../../output/line-sink.js');
    // A reader that goes away (`| head`) is not an error.
    const sink = new LineSink(process.stdout);
    try {
      await runCorpusCheck({
        dir: args.dir, updateDocs: args['update-docs'],
        stdout: (text) => void sink.write(text), stderr: (line) => process.stderr.write(`${line}\n`),
      });
    } finally {
      await sink.end();
    }
  },
};

const CORPUS_DESCRIBE = 'Record and check the corpus of real sshd captures with ground truth';

export const corpusCommand: CommandModule<object, object> = {
  // An optional positional, so that a missing or unknown subcommand reaches demandCommand's message (which
  // names record and check) instead of yargs' "Not enough non-option arguments".
  command: 'corpus [command]',
  describe: CORPUS_DESCRIBE,
  builder: (yargs: Argv) => yargs
    .usage(`$0 corpus <command>\n\n${CORPUS_DESCRIBE}`)
    .command(recordSubcommand)
    .command(checkSubcommand)
    .demandCommand(1, 'name a corpus command: record or check')
    .example('sudo $0 corpus record --release bookworm', 'capture every scenario against bookworm\'s sshd (needs root)')
    .example('$0 corpus check', 'replay the committed corpus and compare it with its ground truth')
    .example('$0 corpus <command> --help', 'the options of record or check, with more examples'),
  handler: () => undefined,
};
