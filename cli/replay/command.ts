// `sshtrace replay FILE...`: the yargs module; the implementation (model and reader) loads on demand.
import type { Argv, CommandModule } from 'yargs';
import { RECORD_TYPES, parseTimeBound, parseTypes } from '../../output/filters';
import type { ArgsOf } from '../command-module';

const builder = (yargs: Argv) =>
  yargs
    // default: undefined: no "[default: []]" next to [required] (yargs' implicit default of a variadic)
    .positional('files', {
      type: 'string',
      array: true,
      demandOption: true,
      default: undefined,
      describe: 'capture files or directories of captures (read in time order)',
    })
    .option('format', {
      choices: ['table', 'jsonl', 'ocsf', 'ecs', 'auto'] as const,
      default: 'auto' as const,
      describe:
        'table for people; jsonl (one JSON record per line) for tools; ocsf (OCSF 1.8.0 events) or ecs ' +
        '(Elastic Common Schema documents) for SIEMs; auto: table on a terminal, jsonl otherwise',
    })
    .option('type', {
      type: 'string',
      coerce: parseTypes,
      describe: `only these record types (${RECORD_TYPES.join(', ')}; default: all but session_start)`,
    })
    .option('user', { type: 'string', describe: 'only records about this user name' })
    .option('since', {
      type: 'string',
      coerce: (t: string) => parseTimeBound(t, '--since'),
      describe: 'only records from this time on (ISO-8601, UTC unless a zone is given)',
    })
    .option('until', {
      type: 'string',
      coerce: (t: string) => parseTimeBound(t, '--until'),
      describe: 'only records up to this time',
    })
    .option('reorder-window-ms', {
      type: 'number',
      default: 50,
      describe: 'how far events may be out of time order across CPUs',
    })
    .option('strict', {
      type: 'boolean',
      default: false,
      describe: 'exit with code 10 when a capture is damaged or events were lost',
    })
    .example('$0 replay capture.sshtrace', 'a readable table of logins, sessions and their commands')
    .example('$0 replay capture.sshtrace --format jsonl', 'one JSON record per line, for tools')
    .example('$0 replay /var/log/sshtrace/', 'every capture (rotated segments) of a directory, in order')
    .example(
      '$0 replay capture.sshtrace --format ocsf',
      'OCSF Authentication and Process Activity events (docs/ocsf.md)',
    )
    .example(
      '$0 replay /var/log/sshtrace/ --format ecs > ssh.ndjson',
      'Elastic Common Schema documents, one per line (docs/ecs.md)',
    )
    .example(
      '$0 replay capture.sshtrace --type auth --user alice --since 2026-11-28T10:00:00Z',
      "alice's attempts since 10:00 UTC",
    )
    .example(
      "$0 replay capture.sshtrace --format jsonl --type session | jq '.commands[].argv'",
      'every command run in sessions',
    );

export const replayCommand: CommandModule<object, ArgsOf<typeof builder>> = {
  command: 'replay <files..>',
  describe: 'Reduce captures into authentication, session and connection records (no root needed)',
  builder,
  handler: async (args) => {
    const { runReplay } = await import('./run.js');
    const format = args.format === 'auto' ? (process.stdout.isTTY ? 'table' : 'jsonl') : args.format;
    await runReplay({
      files: args.files.map(String),
      format,
      strict: args.strict,
      reorderWindowMs: args['reorder-window-ms'],
      filter: {
        types: args.type === undefined ? null : new Set(args.type),
        user: args.user ?? null,
        sinceMs: args.since ?? null,
        untilMs: args.until ?? null,
      },
    });
  },
};
