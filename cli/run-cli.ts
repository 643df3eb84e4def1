// Builds the command line from command modules (a fresh yargs instance, no global singleton, no
// commandDir) and runs it; returns the exit code instead of exiting.
import yargs from 'yargs/yargs';
import { EXIT, UsageError } from '../capture/errors';
import { toolVersion } from '../capture/tool-version';
import { corpusCommand } from './corpus/command';
import { demoCommand } from './demo/command';
import { dumpCommand } from './dump/command';
import { recordCommand } from './record/command';
import { replayCommand } from './replay/command';
import { watchCommand } from './watch/command';
import { reportFor } from './report-error';

export interface CliIo {
  readonly stderr: (line: string) => void;
  readonly debug: boolean;
}

const COMMANDS = ['demo', 'record', 'replay', 'dump', 'corpus', 'watch'];

const processIo: CliIo = {
  stderr: (line) => process.stderr.write(`${line}\n`),
  debug: process.env.SSHTRACE_DEBUG === '1',
};

function buildCli(args: readonly string[]) {
  return (
    yargs(args)
      .scriptName('sshtrace')
      .usage(
        '$0 <command> [options]\n\nWatch OpenSSH sshd from the outside with eBPF: record its syscalls, replay them into records.',
      )
      .command(demoCommand)
      .command(recordCommand)
      .command(replayCommand)
      .command(watchCommand)
      .command(dumpCommand)
      .command(corpusCommand)
      .example('sudo $0 demo', 'see it work: a throwaway sshd, four logins, the replay, then a clean-up')
      .example('sudo $0 watch', "logins, sessions and commands of this machine's sshd, live")
      .example('sudo $0 record -o ssh.sshtrace && $0 replay ssh.sshtrace', 'record until Ctrl-C, then read it')
      .example('$0 <command> --help', 'every option of a command, with examples')
      .demandCommand(1, 'name a command: demo, watch, record, replay, dump or corpus')
      .recommendCommands()
      .strict()
      .help()
      .alias('help', 'h')
      .version(toolVersion())
      .wrap(Math.min(120, process.stdout.columns ?? 100))
      .exitProcess(false)
      // Validation failures arrive as a message only; errors from handlers and coerce arrive as errors.
      .fail((message, error) => {
        throw error ?? new UsageError(message);
      })
  );
}

export async function runCli(args: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await buildCli(args).parseAsync();
    return EXIT.ok;
  } catch (error) {
    const command = args.find((a) => !a.startsWith('-')) ?? '';
    const report = reportFor(error, COMMANDS.includes(command) ? command : '');
    io.stderr(report.line);
    if (io.debug && report.stack) io.stderr(report.stack);
    return report.exitCode;
  }
}
