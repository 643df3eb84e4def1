// `sshtrace dump FILE...`: the yargs module; the implementation loads on demand.
import type { Argv, CommandModule } from 'yargs';
import { DUMP_KINDS } from '../../output/event-json';
import type { ArgsOf } from '../command-module';

function parseKinds(value: string | string[]): string[] {
  const kinds = [value]
    .flat()
    .flatMap((v) => v.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  const unknown = kinds.filter((k) => !DUMP_KINDS.includes(k));
  if (unknown.length > 0)
    throw new Error(`unknown kind ${unknown.join(', ')} for --kinds; known kinds: ${DUMP_KINDS.join(', ')}`);
  return kinds;
}

const builder = (yargs: Argv) =>
  yargs
    // default: undefined, or yargs shows the variadic's implicit [] as "[default: []]" next to [required]
    .positional('files', {
      type: 'string',
      array: true,
      demandOption: true,
      default: undefined,
      describe: 'capture files, or directories of captures',
    })
    .option('kinds', {
      type: 'string',
      coerce: parseKinds,
      describe: `only these kinds, comma-separated (${DUMP_KINDS.join(', ')})`,
    })
    .example('$0 dump capture.sshtrace', 'every event, one JSON object per line')
    .example('$0 dump --kinds exec,exit capture.sshtrace', 'only process starts and ends')
    .example('$0 dump --kinds gap,capture_end captures/', 'what was lost or damaged in every capture of a directory')
    .example('$0 dump capture.sshtrace | jq -c \'select(.kind=="frame")\'', 'monitor messages, with jq');

export const dumpCommand: CommandModule<object, ArgsOf<typeof builder>> = {
  command: 'dump <files..>',
  describe: 'Print the events of captures as JSON lines (kernel and meta events; bytes as hex)',
  builder,
  handler: async (args) => {
    const { runDump } = await import('./run.js');
    await runDump({ files: args.files.map(String), kinds: args.kinds });
  },
};
