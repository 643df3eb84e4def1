// A scenario's client-side temp directory: the askpass helper, the source-port connector, control
// sockets, files to transfer. dispose() removes it; every scenario calls it in a finally block.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CleanupStack, forgetOnExit, runOnExit } from '../fixture/cleanup';

export const WORKSPACE_PREFIX = 'sshtr-client-';

// Answers prompt n of one client run with $SSHTR_ANSWER_<n> and logs each prompt, so the scenario can
// count the attempts the client really made. Secrets travel in the environment, never in a file.
const ASKPASS_SH = `#!/bin/sh
n=$(( $(wc -l < "$SSHTR_PROMPT_LOG") + 1 ))
printf '%s\\n' "$1" >> "$SSHTR_PROMPT_LOG"
eval "answer=\\\${SSHTR_ANSWER_$n-}"
eval "known=\\\${SSHTR_ANSWER_$n+yes}"
[ "$known" = yes ] || exit 1
printf '%s\\n' "$answer"
`;

// ProxyCommand with ProxyUseFdpass: connects to sshd, writes the socket's local port to a file, and
// passes the connected socket back to ssh over its stdout (SCM_RIGHTS), then exits. ssh then talks
// to sshd over that very socket, so the server sees an ordinary client whose source port we know.
const CONNECTOR_PY = `import os, socket, sys
host, port, port_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conn = socket.create_connection((host, port), timeout=10)
conn.settimeout(None)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\\n" % conn.getsockname()[1])
os.rename(port_file + ".tmp", port_file)
socket.send_fds(socket.socket(fileno=1), [b"\\0"], [conn.fileno()])
`;

export class Workspace {
  readonly dir: string;
  readonly askpassPath: string;
  readonly connectorPath: string;
  private counter = 0;
  // Also runs on exit/SIGINT, so an interrupted scenario leaves no client or temp dir behind.
  private readonly cleanup = new CleanupStack();

  constructor(label: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${WORKSPACE_PREFIX}${label}-`));
    const dir = this.dir;
    this.cleanup.push(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    runOnExit(this.cleanup);
    this.askpassPath = path.join(this.dir, 'askpass.sh');
    this.connectorPath = path.join(this.dir, 'connect.py');
    fs.writeFileSync(this.askpassPath, ASKPASS_SH, { mode: 0o700 });
    fs.writeFileSync(this.connectorPath, CONNECTOR_PY, { mode: 0o600 });
  }

  /** A fresh path in the workspace, unique per call. */
  file(name: string): string {
    this.counter += 1;
    return path.join(this.dir, `${this.counter}-${name}`);
  }

  /** Registers an undo step (e.g. killing a client still running) that runs before the directory goes. */
  onDispose(label: string, run: () => void): void {
    this.cleanup.push(label, run);
  }

  dispose(): void {
    const failures = this.cleanup.runAll();
    forgetOnExit(this.cleanup);
    if (failures.length > 0) throw new Error(`client workspace cleanup failed: ${failures.join('; ')}`);
  }
}

/** Runs `body` with a workspace that is removed however it ends. */
export async function withWorkspace<T>(label: string, body: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = new Workspace(label);
  try {
    return await body(ws);
  } finally {
    ws.dispose();
  }
}
