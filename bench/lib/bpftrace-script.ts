// Where the bpftrace baseline script lives (the source tree: dist/ has no copy of it).
import { resolve } from 'node:path';

export const BPFTRACE_SCRIPT = resolve(__dirname, '../../../bench/sshd-events.bt');
