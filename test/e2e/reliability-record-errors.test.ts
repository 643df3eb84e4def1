// Issue #6, bad input to `record`: each environment problem gets one clear line and its own exit code
// (docs/cli.md); the last test checks that no two of them share one. Environments are made for real: setpriv
// drops the user or the capabilities; a private mount namespace (unshare -m) hides BTF, tracefs, bpffs, or makes
// the output directory read-only, without touching the machine's own mounts.
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EXIT } from '../../capture/errors';
import { CLI, lines, rootSkipReason, runProgram } from './support/reliability-cli';

const dir = mkdtempSync(join(tmpdir(), 'sshtr-record-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tools = ['setpriv', 'unshare'].filter((t) => !['/usr/bin', '/bin'].some((d) => existsSync(join(d, t))));
const skip = rootSkipReason() || (tools.length > 0 ? `needs ${tools.join(', ')} (util-linux)` : false);

// A family name nothing runs: the recorder starts, follows nothing, and stops after its duration.
const RECORD = ['record', '--family-names', 'sshtr-nothing', '--duration', '1'];
let outputs = 0;
const output = () => join(dir, `c${outputs++}.sshtrace`);

/** Runs `record` inside a private mount namespace after `setup` (shell commands) changed its mounts. */
function inMountNamespace(setup: string, args: readonly string[]) {
  const script = `set -e; ${setup}; exec "$0" "$@"`;
  return runProgram('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, process.execPath, CLI, ...args]);
}

/** The code each refused environment exited with, by test: no two may be equal (issue #6). */
const seen = new Map<string, number | null>();

/** One error line (after any `sshtrace: warning:` lines the preflight printed, e.g. about missing capabilities). */
async function expectOneLine(
  result: Promise<{ code: number | null; stderr: string }>,
  code: number,
  pattern: RegExp,
  what?: string,
): Promise<void> {
  const { code: actual, stderr } = await result;
  if (what !== undefined) seen.set(what, actual);
  assert.equal(actual, code, stderr);
  const errors = lines(stderr).filter((l) => !l.startsWith('sshtrace: warning: '));
  assert.equal(errors.length, 1, `one line: ${stderr}`);
  assert.match(errors[0]!, pattern);
}

describe('record refuses a bad environment with one line and a distinct exit code', { skip }, () => {
  it('without root', async () => {
    const out = output();
    await expectOneLine(
      runProgram('setpriv', [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        CLI,
        ...RECORD,
        '-o',
        out,
      ]),
      EXIT.privileges,
      /^sshtrace: sshtrace record must run as root .*: run it with sudo$/,
      'without root',
    );
    assert.ok(!existsSync(out), 'no file left behind');
  });

  it('as uid 0 without capabilities (a container without CAP_BPF / CAP_SYS_ADMIN)', async () => {
    const out = output();
    await expectOneLine(
      runProgram('setpriv', ['--inh-caps=-all', '--bounding-set=-all', process.execPath, CLI, ...RECORD, '-o', out]),
      EXIT.privileges,
      /^sshtrace: cannot start the tracer \(privileges\): recording needs root \(or CAP_BPF and CAP_PERFMON\)/,
    );
    assert.ok(!existsSync(out), 'the output created before the tracer was removed again');
  });

  it('without BTF', () =>
    expectOneLine(
      inMountNamespace('mount -t tmpfs none /sys/kernel/btf', [...RECORD, '-o', output()]),
      EXIT.noBtf,
      /^sshtrace: cannot start the tracer \(btf\): this kernel exposes no BTF \(\/sys\/kernel\/btf\/vmlinux is missing\): use a kernel built with CONFIG_DEBUG_INFO_BTF=y/,
      'without BTF',
    ));

  it('mounts tracefs itself when it is not mounted', async () => {
    const unmount =
      'umount /sys/kernel/debug/tracing 2>/dev/null || true; umount /sys/kernel/tracing 2>/dev/null || true; ! test -e /sys/kernel/tracing/events';
    const result = await inMountNamespace(unmount, [...RECORD, '-o', output()]);
    assert.equal(result.code, 0, result.stderr);
  });

  it('without tracefs, when it cannot be mounted', () => {
    // /sys/kernel becomes an empty tmpfs that only holds BTF again: no tracing directory to mount on.
    const keepBtf = join(dir, 'btf');
    mkdirSync(keepBtf, { recursive: true });
    const setup = `mount --bind /sys/kernel/btf ${keepBtf}; mount -t tmpfs none /sys/kernel; mkdir /sys/kernel/btf; mount --bind ${keepBtf} /sys/kernel/btf`;
    return expectOneLine(
      inMountNamespace(setup, [...RECORD, '-o', output()]),
      EXIT.noTracefs,
      /^sshtrace: cannot start the tracer \(tracefs\): tracefs is not mounted and mounting it failed \(.*\): run `mount -t tracefs nodev \/sys\/kernel\/tracing`$/,
      'without tracefs',
    );
  });

  it('mounts bpffs itself when it is not mounted', async () => {
    const result = await inMountNamespace('umount /sys/fs/bpf', [...RECORD, '-o', output()]);
    assert.equal(result.code, 0, result.stderr);
  });

  it('without bpffs, when it cannot be mounted', () =>
    expectOneLine(
      inMountNamespace('mount -t tmpfs none /sys/fs', [...RECORD, '-o', output()]),
      EXIT.noBpffs,
      /^sshtrace: cannot start the tracer \(bpffs\): bpffs is not mounted on \/sys\/fs\/bpf and mounting it failed \(.*\): run `mount -t bpf bpf \/sys\/fs\/bpf`$/,
      'without bpffs',
    ));

  it('with an output directory that does not exist', () => {
    const out = join(dir, 'absent', 'c.sshtrace');
    return expectOneLine(
      runProgram(process.execPath, [CLI, ...RECORD, '-o', out]),
      EXIT.outputDirMissing,
      new RegExp(
        `^sshtrace: cannot record to ${out}: directory ${join(dir, 'absent')} does not exist \\(create it first\\)$`,
      ),
      'output directory missing',
    );
  });

  it('with an output directory that is not writable (read-only, even for root)', () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    return expectOneLine(
      inMountNamespace(`mount -t tmpfs -o ro none ${ro}`, [...RECORD, '-o', join(ro, 'c.sshtrace')]),
      EXIT.outputNotWritable,
      new RegExp(
        `^sshtrace: cannot record to ${ro}/c.sshtrace: directory ${ro} is not writable \\(read-only or no permission\\): choose another --output directory$`,
      ),
      'output directory not writable',
    );
  });

  it('refuses an existing output without --force and leaves it alone; --force overwrites it with mode 0600', async () => {
    const out = output();
    writeFileSync(out, 'keep me');
    chmodSync(out, 0o644);
    await expectOneLine(
      runProgram(process.execPath, [CLI, ...RECORD, '-o', out]),
      EXIT.output,
      new RegExp(`^sshtrace: ${out} already exists: choose another --output or pass --force to overwrite it$`),
    );
    assert.equal(readFileSync(out, 'utf8'), 'keep me');
    const forced = await runProgram(process.execPath, [CLI, ...RECORD, '-o', out, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.equal(readFileSync(out).readUInt32BE(0), 0x89535446, 'a capture now');
  });

  it('never writes through a symbolic link, even with --force (root writing where a link points)', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const link = output();
    symlinkSync(victim, link);
    await expectOneLine(
      runProgram(process.execPath, [CLI, ...RECORD, '-o', link, '--force']),
      EXIT.output,
      new RegExp(`^sshtrace: cannot create ${link}: it is a symbolic link; name the real file$`),
    );
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
  });

  it("gives each refused environment its own exit code, none shared with replay's bad input", () => {
    const replayCodes = [
      EXIT.ok,
      EXIT.inputMissing,
      EXIT.noCaptures,
      EXIT.emptyCapture,
      EXIT.notACapture,
      EXIT.formatTooNew,
    ];
    const codes = [...seen.entries()];
    assert.equal(codes.length, 6, `every case above ran: ${codes.map(([w]) => w).join(', ')}`);
    for (const [i, [a, codeA]] of codes.entries()) {
      assert.ok(!replayCodes.includes(codeA as never), `${a} exits ${codeA}, a code of replay's bad input`);
      for (const [b, codeB] of codes.slice(i + 1))
        assert.notEqual(codeA, codeB, `${a} and ${b} share exit code ${codeA}`);
    }
  });
});
