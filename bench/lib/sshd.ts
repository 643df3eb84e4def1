// A private sshd with one password user, and a password login that runs one command: the unit of work
// the login, size and storm benchmarks repeat. No ProxyCommand (the scenarios' source-port connector),
// so a login costs only ssh, askpass and sshd.
import { type FixtureUser, type PrivateSshd, startPrivateSshd } from '../../harness/fixture';
import { runClient, type ClientResult } from '../../harness/scenarios/client';
import { Workspace } from '../../harness/scenarios/workspace';

export interface BenchServer {
  readonly fixture: PrivateSshd;
  readonly user: FixtureUser;
  readonly workspace: Workspace;
  /** One password login running `command`; rejects unless ssh exits with `expectExit`. */
  login(command: string, expectExit?: number, timeoutMs?: number): Promise<ClientResult>;
  stop(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const fixture = await startPrivateSshd();
  try {
    const user = await fixture.createUser();
    const workspace = new Workspace('bench');
    const login = async (command: string, expectExit = 0, timeoutMs = 30_000) => {
      const result = await runClient(fixture, workspace, {
        program: 'ssh',
        connect: false,
        timeoutMs,
        answers: [user.password!],
        args: [
          '-o',
          'PreferredAuthentications=password',
          '-o',
          'PubkeyAuthentication=no',
          '-o',
          'NumberOfPasswordPrompts=1',
          '-l',
          user.name,
          fixture.host,
          command,
        ],
      });
      if (result.exitStatus !== expectExit) {
        throw new Error(`ssh exited with ${result.exitStatus} (expected ${expectExit}): ${result.stderr.trim()}`);
      }
      return result;
    };
    const stop = async () => {
      workspace.dispose();
      await fixture.stop();
    };
    return { fixture, user, workspace, login, stop };
  } catch (error) {
    await fixture.stop();
    throw error;
  }
}
