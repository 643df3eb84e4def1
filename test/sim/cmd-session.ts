// Commands after login: open a channel (shell, exec, sftp, with or without a pty), run a program tree under a
// channel's shell, close a channel (maybe after an exec in place), and end the connection.
import type { ProcessEnd } from './kernel';
import { endPreauth } from './sshd-connect';
import { closeChannel, endSession, openChannel, runProgram, type ChannelKind, type Program } from './sshd-session';
import {
  closeConn,
  execLogOf,
  openConns,
  pick,
  preauthEndReason,
  sessionEndReason,
  type Model,
  type OracleChannel,
  type OracleConn,
} from './oracle';
import type { PrivsepCommand, Real } from './cmd-connect';
import { describeEnd, describeProgram } from './programs';

const MAX_CHANNELS = 4;
const RUNNABLE: readonly ChannelKind[] = ['shell', 'shell-pty', 'exec', 'exec-pty'];
const SFTP = '/usr/lib/openssh/sftp-server';

function sessions(m: Readonly<Model>, keep: (c: OracleConn) => boolean): OracleConn[] {
  return openConns(m as Model, 'session').filter(keep);
}

abstract class SessionCommand implements PrivsepCommand {
  constructor(readonly target: number) {}
  protected abstract eligible(c: OracleConn): boolean;
  check(m: Readonly<Model>): boolean {
    return sessions(m, (c) => this.eligible(c)).length > 0;
  }
  protected conn(m: Model): OracleConn {
    return pick(
      sessions(m, (c) => this.eligible(c)),
      this.target,
    )!;
  }
  abstract run(m: Model, r: Real): void;
  abstract describe(): string;
  toString(): string {
    return `${this.describe()} (target ${this.target})`;
  }
}

export class OpenChannelCommand extends SessionCommand {
  constructor(
    t: number,
    readonly kind: ChannelKind,
    readonly command: string,
  ) {
    super(t);
  }
  protected eligible(c: OracleConn): boolean {
    return c.channels.length < MAX_CHANNELS;
  }
  private commandText(): string | null {
    switch (this.kind) {
      case 'shell':
      case 'shell-pty':
        return null;
      case 'sftp':
        return SFTP;
      case 'internal-sftp':
        return 'internal-sftp';
      case 'exec':
      case 'exec-pty':
        return this.command;
    }
  }
  run(m: Model, r: Real): void {
    const c = this.conn(m);
    const sim = openChannel(r.sim, r.sshd.get(c.n)!, this.kind, this.commandText(), execLogOf(c, c.channelCount));
    if (sim.pts !== null && c.tty === null) c.tty = `pts/${sim.pts}`;
    c.channelCount += 1;
    c.channels.push({ n: c.channelCount, kind: this.kind, sim });
    const what = this.commandText() === null ? '' : ` "${this.commandText()}"`;
    const tty = sim.pts === null ? '' : ` on pts/${sim.pts}`;
    m.story.push(`#${c.n} channel ${c.channelCount}: ${this.kind}${what}${tty} (pid ${sim.pid})`);
  }
  describe(): string {
    return `open ${this.kind}`;
  }
}

function channelOf(c: OracleConn, index: number, keep: (ch: OracleChannel) => boolean): OracleChannel {
  return pick(c.channels.filter(keep), index)!;
}

const runnable = (ch: OracleChannel): boolean => RUNNABLE.includes(ch.kind);

export class RunProgramCommand extends SessionCommand {
  constructor(
    t: number,
    readonly channel: number,
    readonly program: Program,
  ) {
    super(t);
  }
  protected eligible(c: OracleConn): boolean {
    return c.channels.some(runnable);
  }
  run(m: Model, r: Real): void {
    const c = this.conn(m);
    const ch = channelOf(c, this.channel, runnable);
    runProgram(r.sim, ch.sim.pid, this.program, execLogOf(c, ch.n - 1));
    m.story.push(`#${c.n} channel ${ch.n} runs ${describeProgram(this.program)}`);
  }
  describe(): string {
    return `run ${describeProgram(this.program)}`;
  }
}

export class CloseChannelCommand extends SessionCommand {
  constructor(
    t: number,
    readonly channel: number,
    readonly last: Program | null,
    readonly end: ProcessEnd,
  ) {
    super(t);
  }
  protected eligible(c: OracleConn): boolean {
    return c.channels.length > 0;
  }
  run(m: Model, r: Real): void {
    const c = this.conn(m);
    const ch = channelOf(c, this.channel, () => true);
    const canExec = runnable(ch);
    const last = canExec ? this.last : null;
    const end = canExec ? this.end : { code: 0 };
    closeChannel(r.sim, r.sshd.get(c.n)!, ch.sim, last, end, execLogOf(c, ch.n - 1));
    c.channels.splice(c.channels.indexOf(ch), 1);
    const how = last === null ? describeEnd(end) : `exec ${describeProgram(last)}`;
    m.story.push(`#${c.n} channel ${ch.n} ends: ${how}`);
  }
  describe(): string {
    return `close channel (${this.last === null ? describeEnd(this.end) : 'exec'})`;
  }
}

export class EndSessionCommand extends SessionCommand {
  constructor(
    t: number,
    readonly how: 'disconnect' | 'term',
  ) {
    super(t);
  }
  protected eligible(c: OracleConn): boolean {
    return c.channels.length === 0;
  }
  run(m: Model, r: Real): void {
    const c = this.conn(m);
    const s = r.sshd.get(c.n)!;
    endSession(r.sim, s, this.how);
    closeConn(c, r.sim.events, sessionEndReason(s, this.how));
    m.story.push(`#${c.n} ${this.how === 'disconnect' ? 'client disconnects' : 'connection lost (TERM)'}`);
  }
  describe(): string {
    return this.how;
  }
}

/** Ends every connection still open, cleanly, so that a history's records are all complete. */
export function closeEverything(m: Model, r: Real): void {
  for (const c of m.conns) {
    if (c.phase === 'closed') continue;
    const s = r.sshd.get(c.n)!;
    if (c.phase === 'session') {
      for (const ch of [...c.channels]) closeChannel(r.sim, s, ch.sim, null, { code: 0 }, execLogOf(c, ch.n - 1));
      c.channels.length = 0;
      endSession(r.sim, s, 'disconnect');
      m.story.push(`#${c.n} (end of scenario) channels exit 0, client disconnects`);
      closeConn(c, r.sim.events, sessionEndReason(s, 'disconnect'));
    } else {
      endPreauth(r.sim, s, 'drop');
      m.story.push(`#${c.n} (end of scenario) client closed before login`);
      closeConn(c, r.sim.events, preauthEndReason(c, s, 'drop'));
    }
  }
}
