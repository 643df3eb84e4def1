// `sshtrace record`: the yargs module; the recorder (and the native addon) load on demand.
import type { Argv, CommandModule } from 'yargs';

export interface RecordCommandArgs {
  readonly output: string;
  readonly duration: number | undefined;
  readonly force: boolean;
  readonly 'family-names': string;
  readonly 'ring-buffer-size': string;
  readonly 'argv-cap': number;
  readonly 'file-writes': boolean;
  readonly 'send-hook': 'auto' | 'syscalls';
  readonly 'rotate-size': string | undefined;
  readonly 'rotate-interval': string | undefined;
  readonly 'max-total-size': string | undefined;
}

export const recordCommand: CommandModule<object, RecordCommandArgs> = {
  command: 'record',
  describe: 'Record the sshd process family into a capture file (needs root)',
  builder: (yargs: Argv) =>
    yargs
      .option('output', {
        alias: 'o', type: 'string', demandOption: true,
        describe: 'capture file to create (mode 0600); with a rotation option, the directory of segments (created 0700 if missing)',
      })
      .option('duration', { type: 'number', describe: 'stop after this many seconds (default: until Ctrl-C or SIGTERM)' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the output file if it exists' })
      .option('family-names', {
        type: 'string', default: 'sshd,sshd-session,sshd-auth',
        describe: 'binary basenames whose processes (and descendants) are followed, at most 4',
      })
      .option('ring-buffer-size', { type: 'string', default: '16M', describe: 'kernel ring buffer size, a power of two (4K..1G)' })
      .option('argv-cap', { type: 'number', default: 4096, describe: 'bytes of filename + argv kept per exec (256..8192)' })
      .option('file-writes', {
        type: 'boolean', default: false,
        describe: 'also record login-record file writes and the pre-auth log pipe (hooks write(): costs every write on the machine)',
      })
      .option('send-hook', {
        choices: ['auto', 'syscalls'] as const, default: 'auto' as const,
        describe: 'where monitor frames, syslog and banners are read: auto = the sock_send_length tracepoint where the kernel has it, the exits of write/writev/sendto/sendmsg where it does not (Debian 12\'s 6.1); syscalls = always at syscall exit',
      })
      .option('rotate-size', { type: 'string', describe: 'start a new segment file once the current one reaches this size (e.g. 64M); --output is then a directory' })
      .option('rotate-interval', { type: 'string', describe: 'start a new segment file once the current one is this old (90s, 15m, 1h, 1d)' })
      .option('max-total-size', {
        type: 'string', describe: 'delete the oldest segments to keep the directory under this size (e.g. 1G; rotates at a tenth of it unless --rotate-size says otherwise)',
      })
      .example('sudo $0 record -o /var/tmp/ssh.sshtrace', 'record until Ctrl-C')
      .example('sudo $0 record -o /var/log/sshtrace --rotate-size 64M --max-total-size 2G', 'run for months: 64 MiB segments, the oldest deleted beyond 2 GiB')
      .example('sudo $0 record -o /var/log/sshtrace --rotate-interval 1h', 'one segment per hour, kept forever (replay reads the directory in order)')
      .example('sudo $0 record -o ssh.sshtrace --duration 600', 'record for ten minutes')
      .example('sudo $0 record -o ssh.sshtrace --file-writes --ring-buffer-size 64M', 'also utmp/wtmp/btmp writes, larger buffer')
      .example('sudo $0 record -o ssh.sshtrace --family-names sshd --argv-cap 8192', 'an OpenSSH before 9.8 only, with longer command lines') as unknown as Argv<RecordCommandArgs>,
  handler: async (args) => {
    const { runRecord } = await import('./run.js');
    await runRecord({
      output: args.output, duration: args.duration, force: args.force, familyNames: args['family-names'],
      ringBufferSize: args['ring-buffer-size'], argvCap: args['argv-cap'], fileWrites: args['file-writes'],
      sendHook: args['send-hook'],
      rotateSize: args['rotate-size'], rotateInterval: args['rotate-interval'], maxTotalSize: args['max-total-size'],
    });
  },
};
