// Builds what recording needs: the BPF object and skeleton (make -C bpf), then the addon (node-gyp rebuild).
// Runs from `npm ci` (prepare). Replay needs none of it, so a missing toolchain is a warning and exit 0,
// unless SSHTRACE_REQUIRE_NATIVE=1 (CI), where anything missing or failing exits 1.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const REQUIRED = process.env.SSHTRACE_REQUIRE_NATIVE === '1';
const INSTALL_HINT = 'apt-get install clang llvm libbpf-dev bpftool';

function succeeds(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

// [what is missing, Debian package that brings it]
function missingTools() {
  const checks = [
    ['clang', 'clang', () => succeeds('clang', ['--version'])],
    ['llvm-strip', 'llvm', () => succeeds('llvm-strip', ['--version'])],
    ['bpftool', 'bpftool', () => succeeds('bpftool', ['version'])],
    ['pkg-config', 'pkg-config', () => succeeds('pkg-config', ['--version'])],
    ['libbpf-dev', 'libbpf-dev', () => succeeds('pkg-config', ['--exists', 'libbpf', 'libelf', 'zlib'])],
    ['make', 'make', () => succeeds('make', ['--version'])],
    ['a C++ compiler', 'g++', () => succeeds('c++', ['--version'])],
    ['python3 (for node-gyp)', 'python3', () => succeeds('python3', ['--version'])],
  ];
  return checks.filter(([, , works]) => !works()).map(([name, pkg]) => ({ name, pkg }));
}

function giveUp(reason, fix) {
  const level = REQUIRED ? 'error' : 'warning';
  console.error(`sshtrace: ${level}: recording will be unavailable: ${reason}. ${fix}`);
  if (REQUIRED) {
    console.error('sshtrace: SSHTRACE_REQUIRE_NATIVE=1, so this is fatal.');
    process.exit(1);
  }
  console.error('sshtrace: replay still works without it.');
  process.exit(0);
}

function run(command, args, cwd) {
  console.error(`sshtrace: ${path.relative(ROOT, cwd) || '.'}$ ${[path.basename(command), ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  return result.status === 0;
}

// node-gyp downloads headers unless told where they are; distribution and tarball installs ship them.
function nodeGypArgs() {
  const args = ['rebuild', '--jobs=max'];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const haveLocalHeaders = fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'));
  if (!process.env.npm_config_nodedir && haveLocalHeaders) args.push(`--nodedir=${prefix}`);
  return args;
}

function main() {
  const missing = missingTools();
  if (missing.length > 0) {
    const packages = [...new Set(['clang', 'llvm', 'libbpf-dev', 'bpftool', ...missing.map((m) => m.pkg)])];
    const names = missing.map((m) => m.name).join(', ');
    giveUp(`missing ${names}`, `To record, run as root: apt-get install ${packages.join(' ')} && npm ci`);
  }
  if (!run('make', ['-C', 'bpf'], ROOT)) {
    giveUp('building the BPF program failed (make -C bpf, output above)', `Check the toolchain (${INSTALL_HINT}).`);
  }
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [ROOT] });
  if (!run(process.execPath, [nodeGyp, ...nodeGypArgs()], __dirname)) {
    giveUp(
      'building the native addon failed (node-gyp rebuild in native/, output above)',
      'Check that node-gyp can find Node headers (or set npm_config_nodedir) and a C++17 compiler.',
    );
  }
  console.error('sshtrace: native addon built: native/build/Release/sshtrace.node');
}

main();
