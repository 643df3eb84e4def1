// Commands: a client connects (sshd forks and sandboxes a pre-auth child), or the listener refuses it
// (MaxStartups: accept and close, no fork).
import type fc from 'fast-check';
import type { InetEndpoint } from '../../capture/events';
import type { KernelSim } from './kernel';
import { acceptConnection, configTest, refuseConnection, type SshdConn } from './sshd-connect';
import { freshSource, newOracleConn, openConns, type Model } from './oracle';
import { LISTENER_PID } from './world';

/** The simulated machine behind the model: the kernel and each connection's sshd processes by number. */
export interface Real {
  readonly sim: KernelSim;
  readonly sshd: Map<number, SshdConn>;
}

export type PrivsepCommand = fc.Command<Model, Real>;

export const CLIENT_IPS: readonly string[] = ['127.0.0.1', '10.0.0.7', '192.0.2.44', '::1', '2001:db8::5'];
const MAX_OPEN = 5;

function inet(ip: string, port: number): InetEndpoint {
  return { family: ip.includes(':') ? 'ipv6' : 'ipv4', ip, port };
}

export class ConnectCommand implements PrivsepCommand {
  constructor(
    readonly ipIndex: number,
    readonly portHint: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return openConns(m as Model, 'preauth').length + openConns(m as Model, 'session').length < MAX_OPEN;
  }
  run(m: Model, r: Real): void {
    const source = freshSource(m, CLIENT_IPS[this.ipIndex % CLIENT_IPS.length]!, this.portHint);
    confirmRefusals(m);
    const before = r.sim.events.length;
    const sshd = acceptConnection(r.sim, m.setup, inet(source.ip, source.port));
    // The connection exists from the listener's fork on (the accept just before it only queues the peer).
    const startedAt = r.sim.events.findIndex(
      (e, i) => i >= before && e.kind === 'fork' && e.childTgid === sshd.monitor,
    );
    const c = newOracleConn(
      m,
      source,
      sshd.monitor,
      sshd.preauth!,
      LISTENER_PID,
      startedAt,
      r.sim.events[startedAt]!.ts,
    );
    r.sshd.set(c.n, sshd);
    m.story.push(`#${c.n} connect from ${source.ip} port ${source.port} (monitor ${sshd.monitor})`);
  }
  toString(): string {
    return `connect(ip ${this.ipIndex}, port +${this.portHint})`;
  }
}

/** A refusal shows only as an accept with no fork before the listener's next accept. */
function confirmRefusals(m: Model): void {
  for (const r of m.refusedConns) r.confirmed = true;
}

export class RefuseCommand implements PrivsepCommand {
  constructor(
    readonly ipIndex: number,
    readonly portHint: number,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const source = freshSource(m, CLIENT_IPS[this.ipIndex % CLIENT_IPS.length]!, this.portHint);
    confirmRefusals(m);
    const before = r.sim.events.length;
    refuseConnection(r.sim, inet(source.ip, source.port));
    m.refused += 1;
    const acceptTs = r.sim.events.find((e, i) => i >= before && e.kind === 'accept')!.ts;
    m.refusedConns.push({ source, listener: LISTENER_PID, acceptTs, confirmed: false });
    m.story.push(`refused (MaxStartups) ${source.ip} port ${source.port}`);
  }
  toString(): string {
    return `refuse(ip ${this.ipIndex}, port +${this.portHint})`;
  }
}

/** Noise: `sshd -t` run by the init system (config check), which is neither a listener nor a connection. */
export class ConfigTestCommand implements PrivsepCommand {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    configTest(r.sim);
    m.story.push('sshd -t (config check by the init system)');
  }
  toString(): string {
    return 'sshd -t';
  }
}
