// `sshtrace watch`: the yargs module; the recorder, the native addon and the model load on demand.
import type { Argv, CommandModule } from 'yargs';
import { RECORD_TYPES, type RecordType } from '../../output/filters';

export interface WatchCommandArgs {
  readonly output: string | undefined;
  readonly force: boolean;
  readonly format: 'table' | 'jsonl' | 'ocsf' | 'ecs' | 'auto';
  readonly type: RecordType[] | undefined;
  readonly user: string | undefined;
  readonly duration: number | undefined;
  readonly 'family-names': string;
  readonly 'ring-buffer-size': string;
  readonly 'argv-cap': number;
  readonly 'send-hook': 'auto' | 'syscalls';
}

function parseTypes(value: string | string[]): RecordType[] {
  const types = [value].flat().flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
  const unknown = types.filter((t) => !(RECORD_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new Error(`unknown record type ${unknown.join(', ')} for --type; known: ${RECORD_TYPES.join(', ')}`);
  return types as RecordType[];
}

export const watchCommand: CommandModule<object, WatchCommandArgs> = {
  command: 'watch',
  describe: 'Record and show logins, sessions and commands live, as they happen (needs root)',
  builder: (yargs: Argv) =>
    yargs
      .option('output', { alias: 'o', type: 'string', describe: 'also keep the capture in this file (mode 0600), for a later replay' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the --output file if it exists' })
      .option('format', {
        choices: ['table', 'jsonl', 'ocsf', 'ecs', 'auto'] as const, default: 'auto' as const,
        describe: 'as replay: auto is a table on a terminal and JSON lines (the record contract) when piped',
      })
      .option('type', {
        type: 'string', coerce: parseTypes,
        describe: `only these record types (${RECORD_TYPES.join(', ')}; default: all, session_start shown as LOGIN)`,
      })
      .option('user', { type: 'string', describe: 'only records about this user name' })
      .option('duration', { type: 'number', describe: 'stop after this many seconds (default: until Ctrl-C)' })
      .option('family-names', { type: 'string', default: 'sshd,sshd-session,sshd-auth', describe: 'as record' })
      .option('ring-buffer-size', { type: 'string', default: '16M', describe: 'as record' })
      .option('argv-cap', { type: 'number', default: 4096, describe: 'as record' })
      .option('send-hook', { choices: ['auto', 'syscalls'] as const, default: 'auto' as const, describe: 'as record' })
      .example('sudo $0 watch', 'a live table: attempts as decided, LOGIN when a session starts, each session with its commands when it ends')
      .example('sudo $0 watch --format jsonl | jq -c \'select(.type=="auth" and .success==false)\'', 'failed attempts as JSON, live')
      .example('sudo $0 watch -o /var/tmp/ssh.sshtrace', 'watch, and keep the capture for sshtrace replay')
      .example('sudo $0 watch --type auth --user root', 'only attempts to log in as root') as unknown as Argv<WatchCommandArgs>,
  handler: async (args) => {
    const { runWatch } = await import('./run.js');
    const format = args.format === 'auto' ? (process.stdout.isTTY ? 'table' : 'jsonl') : args.format;
    await runWatch({
      output: args.output, force: args.force, format, duration: args.duration, familyNames: args['family-names'],
      ringBufferSize: args['ring-buffer-size'], argvCap: args['argv-cap'], fileWrites: false, sendHook: args['send-hook'],
      filter: { types: args.type === undefined ? null : new Set(args.type), user: args.user ?? null, sinceMs: null, untilMs: null },
    });
  },
};
