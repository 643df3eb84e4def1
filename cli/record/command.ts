// `sshtrace record`: the yargs module; the recorder (and the native addon) load on demand.
import type { Argv, CommandModule } from 'yargs';
import { TRACER_FLAGS } from '../../record/record-options';
import type { ArgsOf } from '../command-module';

const builder = (yargs: Argv) =>
  yargs
    .option('output', {
      alias: 'o',
      type: 'string',
      demandOption: true,
      describe:
        'capture file to create (mode 0600); with a rotation option, the directory of segments (created 0700 if missing)',
    })
    .option('duration', { type: 'number', describe: 'stop after this many seconds (default: until Ctrl-C or SIGTERM)' })
    .option('force', { type: 'boolean', default: false, describe: 'overwrite the output file if it exists' })
    .options(TRACER_FLAGS)
    .option('rotate-size', {
      type: 'string',
      describe:
        'start a new segment file once the current one reaches this size (e.g. 64M); --output is then a directory',
    })
    .option('rotate-interval', {
      type: 'string',
      describe: 'start a new segment file once the current one is this old (90s, 15m, 1h, 1d)',
    })
    .option('max-total-size', {
      type: 'string',
      describe:
        'delete the oldest segments to keep the directory under this size (e.g. 1G; rotates at a tenth of it unless --rotate-size says otherwise)',
    })
    .example('sudo $0 record -o /var/tmp/ssh.sshtrace', 'record until Ctrl-C')
    .example(
      'sudo $0 record -o /var/log/sshtrace --rotate-size 64M --max-total-size 2G',
      'run for months: 64 MiB segments, the oldest deleted beyond 2 GiB',
    )
    .example(
      'sudo $0 record -o /var/log/sshtrace --rotate-interval 1h',
      'one segment per hour, kept forever (replay reads the directory in order)',
    )
    .example('sudo $0 record -o ssh.sshtrace --duration 600', 'record for ten minutes')
    .example(
      'sudo $0 record -o ssh.sshtrace --file-writes --ring-buffer-size 64M',
      'also utmp/wtmp/btmp writes, larger buffer',
    )
    .example(
      'sudo $0 record -o ssh.sshtrace --family-names sshd --argv-cap 8192',
      'an OpenSSH before 9.8 only, with longer command lines',
    );

export const recordCommand: CommandModule<object, ArgsOf<typeof builder>> = {
  command: 'record',
  describe: 'Record the sshd process family into a capture file (needs root)',
  builder,
  handler: async (args) => {
    const { runRecord } = await import('./run.js');
    await runRecord({
      output: args.output,
      duration: args.duration,
      force: args.force,
      familyNames: args['family-names'],
      ringBufferSize: args['ring-buffer-size'],
      argvCap: args['argv-cap'],
      fileWrites: args['file-writes'],
      sendHook: args['send-hook'],
      rotateSize: args['rotate-size'],
      rotateInterval: args['rotate-interval'],
      maxTotalSize: args['max-total-size'],
    });
  },
};
