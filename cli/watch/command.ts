// `sshtrace watch`: the yargs module; the recorder, the native addon and the model load on demand.
import type { Argv, CommandModule } from 'yargs';
import { RECORD_TYPES, parseTypes } from '../../output/filters';
import { TRACER_FLAGS } from '../../record/record-options';
import type { ArgsOf } from '../command-module';

const { 'file-writes': _fileWrites, ...WATCH_TRACER_FLAGS } = TRACER_FLAGS; // watch never hooks write()

const builder = (yargs: Argv) =>
  yargs
    .option('output', {
      alias: 'o',
      type: 'string',
      describe: 'also keep the capture in this file (mode 0600), for a later replay',
    })
    .option('force', { type: 'boolean', default: false, describe: 'overwrite the --output file if it exists' })
    .option('format', {
      choices: ['table', 'jsonl', 'ocsf', 'ecs', 'auto'] as const,
      default: 'auto' as const,
      describe: 'as replay: auto is a table on a terminal and JSON lines (the record contract) when piped',
    })
    .option('type', {
      type: 'string',
      coerce: parseTypes,
      describe: `only these record types (${RECORD_TYPES.join(', ')}; default: all, session_start shown as LOGIN)`,
    })
    .option('user', { type: 'string', describe: 'only records about this user name' })
    .option('duration', { type: 'number', describe: 'stop after this many seconds (default: until Ctrl-C)' })
    .options(WATCH_TRACER_FLAGS)
    .example(
      'sudo $0 watch',
      'a live table: attempts as decided, LOGIN when a session starts, each session with its commands when it ends',
    )
    .example(
      'sudo $0 watch --format jsonl | jq -c \'select(.type=="auth" and .success==false)\'',
      'failed attempts as JSON, live',
    )
    .example('sudo $0 watch -o /var/tmp/ssh.sshtrace', 'watch, and keep the capture for sshtrace replay')
    .example('sudo $0 watch --type auth --user root', 'only attempts to log in as root');

export const watchCommand: CommandModule<object, ArgsOf<typeof builder>> = {
  command: 'watch',
  describe: 'Record and show logins, sessions and commands live, as they happen (needs root)',
  builder,
  handler: async (args) => {
    const { runWatch } = await import('./run.js');
    const format = args.format === 'auto' ? (process.stdout.isTTY ? 'table' : 'jsonl') : args.format;
    await runWatch({
      output: args.output,
      force: args.force,
      format,
      duration: args.duration,
      familyNames: args['family-names'],
      ringBufferSize: args['ring-buffer-size'],
      argvCap: args['argv-cap'],
      fileWrites: false,
      sendHook: args['send-hook'],
      filter: {
        types: args.type === undefined ? null : new Set(args.type),
        user: args.user ?? null,
        sinceMs: null,
        untilMs: null,
      },
    });
  },
};
