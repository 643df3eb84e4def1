// `sshtrace demo`: the yargs module; the fixture, the scenarios and the recorder load on demand.
import type { Argv, CommandModule } from 'yargs';

export const demoCommand: CommandModule<object, object> = {
  command: 'demo',
  describe:
    'See sshtrace at work in 20 seconds: a private sshd on 127.0.0.1, four clients, the replay, then a clean-up (needs root)',
  builder: (yargs: Argv) =>
    yargs
      .example(
        'sudo $0 demo',
        'start a throwaway sshd, record four logins, show what sshtrace reconstructs, remove everything',
      )
      .example('sudo npx sshtrace demo', 'the same from a checkout, after npm ci')
      .epilog(
        'Nothing is left behind: the users (sshtr_*), the sshd, its files and the capture are removed, also on Ctrl-C.',
      ),
  handler: async () => {
    const { runDemo } = await import('./run.js');
    await runDemo();
  },
};
