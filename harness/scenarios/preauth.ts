// Connections that never authenticate, driven with a raw TCP socket (the source port is the socket's own).
import * as net from 'node:net';
import type { PrivateSshd } from '../fixture/types';
import type { ClientResult } from './client';
import { connectionFrom, groundTruth } from './expect';
import type { Scenario } from './scenario';

const CLIENT_BANNER = 'SSH-2.0-sshtrace_probe\r\n';
const MAX_GRACE_FOR_SCENARIO = 10;
const GRACE_JITTER_MS = 4000;

interface RawPlan {
  /** Read the server's banner line and answer with ours before doing anything else. */
  readonly exchangeBanners: boolean;
  /** Then wait up to this long for the server to close; 0 = close ourselves at once. */
  readonly waitForServerCloseMs: number;
}

interface RawOutcome {
  readonly result: ClientResult;
  readonly serverBanner: string;
  /** ms from connect until the server closed, or null if we closed first. */
  readonly serverClosedAfterMs: number | null;
}

function rawConnection(fixture: PrivateSshd, plan: RawPlan): Promise<RawOutcome> {
  return new Promise((resolve, reject) => {
    const startedAt = new Date();
    const socket = net.connect({ host: fixture.host, port: fixture.port });
    let received = '';
    let sourcePort: number | null = null;
    let connectedAt = 0;
    let serverClosedAfterMs: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    socket.once('connect', () => {
      sourcePort = socket.localPort ?? null;
      connectedAt = Date.now();
      if (!plan.exchangeBanners) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      const hadBanner = received.includes('\n');
      received += chunk.toString('latin1');
      if (hadBanner || !received.includes('\n')) return;
      socket.write(CLIENT_BANNER);
      if (plan.waitForServerCloseMs === 0) socket.end();
      else timer = setTimeout(() => socket.destroy(), plan.waitForServerCloseMs);
    });
    socket.once('end', () => {
      serverClosedAfterMs = Date.now() - connectedAt;
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      const result: ClientResult = {
        exitStatus: null,
        signal: null,
        timedOut: false,
        stdout: '',
        stderr: '',
        prompts: [],
        sourcePort,
        startedAt,
        endedAt: new Date(),
      };
      resolve({ result, serverBanner: received.split('\r\n')[0] ?? '', serverClosedAfterMs });
    });
  });
}

export const droppedPreauth: Scenario = {
  name: 'dropped_preauth',
  description: 'two TCP connections closed before authentication: one silent, one after the banner exchange',
  run: async ({ fixture }) => {
    const startedAt = new Date();
    const silent = await rawConnection(fixture, { exchangeBanners: false, waitForServerCloseMs: 0 });
    const banner = await rawConnection(fixture, { exchangeBanners: true, waitForServerCloseMs: 0 });
    return groundTruth(
      'dropped_preauth',
      fixture,
      startedAt,
      [
        connectionFrom('silent', 'tcp', silent.result, {
          attempts: [],
          exitStatus: null,
          observed: { sent: 'nothing' },
        }),
        connectionFrom('banner-only', 'tcp', banner.result, {
          attempts: [],
          exitStatus: null,
          observed: { sent: CLIENT_BANNER.trim(), server_banner: banner.serverBanner },
        }),
      ],
      [{ what: 'the server sent its banner', ok: banner.serverBanner.startsWith('SSH-2.0-OpenSSH_') }],
    );
  },
};

export const loginGraceExpiry: Scenario = {
  name: 'login_grace_expiry',
  description: 'exchange banners, then idle until LoginGraceTime makes the server close the connection',
  maxLoginGraceTime: MAX_GRACE_FOR_SCENARIO,
  run: async ({ fixture }) => {
    const grace = fixture.loginGraceTime;
    if (grace > MAX_GRACE_FOR_SCENARIO) {
      throw new Error(
        `login_grace_expiry needs LoginGraceTime <= ${MAX_GRACE_FOR_SCENARIO} s, the fixture has ${grace}: ` +
          'start one with { loginGraceTime: 3 }',
      );
    }
    const startedAt = new Date();
    const idle = await rawConnection(fixture, { exchangeBanners: true, waitForServerCloseMs: (grace + 14) * 1000 });
    const closedAfter = idle.serverClosedAfterMs;
    // Up to 9.8 sshd arms alarm(LoginGraceTime) right after accepting; 9.9+ adds up to 4 s of jitter
    // (sshd-session.c: setitimer with arc4random_uniform(4 * 1000000) us), so allow that plus 3 s of slack.
    const latest = grace * 1000 + GRACE_JITTER_MS + 3000;
    const onTime = closedAfter !== null && closedAfter >= grace * 1000 - 250 && closedAfter <= latest;
    return groundTruth(
      'login_grace_expiry',
      fixture,
      startedAt,
      [
        connectionFrom('idle', 'tcp', idle.result, {
          attempts: [],
          exitStatus: null,
          ...(onTime ? { serverClosed: 'login_grace_time' as const } : {}),
          observed: {
            server_banner: idle.serverBanner,
            server_closed_after_ms: closedAfter ?? -1,
            login_grace_time_s: grace,
          },
        }),
      ],
      [{ what: `the server closed the idle connection about ${grace} s after connect`, ok: onTime }],
    );
  },
};
