// The parts of the recorder's dependencies that are the real machine (native tracer, /proc, host files, the
// clock), shared by `record` and `watch` so both see the world the same way.
import type * as Native from '../native/index';
import { toolVersion } from '../capture/tool-version';
import { BootClock } from './boot-clock';
import { readHostInfo } from './host-info';
import { opensshVersions } from './openssh-versions';
import { scanFamily } from './proc-snapshot';
import type { RecordOptions } from './record-options';
import type { RecorderDeps } from './recorder';

export type SystemDeps = Pick<
  RecorderDeps,
  'startTracer' | 'scan' | 'hostInfo' | 'opensshVersions' | 'clock' | 'toolVersion' | 'selfPid'
>;

export function systemDeps(options: RecordOptions, native: typeof Native, clockTicks: number): SystemDeps {
  return {
    startTracer: (o) => native.start(o),
    scan: () => scanFamily({ familyNames: options.familyNames, selfPid: process.pid, clockTicks }),
    hostInfo: () => readHostInfo(),
    opensshVersions: (snapshot) => opensshVersions(snapshot, options.familyNames),
    clock: new BootClock(),
    toolVersion: toolVersion(),
    selfPid: process.pid,
  };
}
