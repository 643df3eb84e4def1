// auditd as a size baseline: the Debian daemon in the foreground with a private config and log, audit
// enabled only while it runs, optionally with an execve rule (what auditd needs to see commands). Stopping
// it deletes the rules and puts the kernel's audit switch back as it was.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './stats';

export interface RunningAuditd {
  readonly log: string;
  stop(): Promise<void>;
}

export function auditdAvailable(): string | null {
  if (!existsSync('/usr/sbin/auditd') || !existsSync('/usr/sbin/auditctl'))
    return 'auditd is not installed (apt-get install auditd)';
  try {
    const status = execFileSync('auditctl', ['-s'], { encoding: 'utf8' });
    if (!/^pid 0$/m.test(status)) return 'another audit daemon is running';
  } catch (error) {
    return `the kernel refuses audit here: ${(error as Error).message.split('\n')[0]}`;
  }
  return null;
}

export async function startAuditd(dir: string, execveRule: boolean): Promise<RunningAuditd> {
  const log = join(dir, execveRule ? 'audit-execve.log' : 'audit.log');
  writeFileSync(
    join(dir, 'auditd.conf'),
    [
      `log_file = ${log}`,
      'log_format = ENRICHED',
      'flush = INCREMENTAL_ASYNC',
      'freq = 50',
      'num_logs = 1',
      'max_log_file = 1024',
      'max_log_file_action = IGNORE',
      'space_left = 2',
      'admin_space_left = 1',
      'disk_full_action = IGNORE',
      'disk_error_action = IGNORE',
      'write_logs = yes',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const wasEnabled = /^enabled (\d)/m.exec(execFileSync('auditctl', ['-s'], { encoding: 'utf8' }))?.[1] ?? '0';
  const child = spawn('auditd', ['-n', '-c', dir], { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await sleep(1000);
  execFileSync('auditctl', ['-e', '1']);
  if (execveRule)
    execFileSync('auditctl', ['-a', 'always,exit', '-F', 'arch=b64', '-S', 'execve', '-k', 'sshtr-bench']);
  return {
    log,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      // After the daemon is gone: it may switch audit on again as it exits.
      execFileSync('auditctl', ['-D']);
      execFileSync('auditctl', ['-e', wasEnabled]);
    },
  };
}

/** Bytes of the log lines that belong to `user` (acct= name, or auid= uid in raw or enriched form). */
export function userAuditBytes(log: string, user: string, uid: number): { bytes: number; lines: number } {
  let bytes = 0,
    lines = 0;
  const mine = new RegExp(`acct="?${user}"?|auid=${uid}\\b|AUID="${user}"`);
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (!mine.test(line)) continue;
    bytes += line.length + 1;
    lines++;
  }
  return { bytes, lines };
}
