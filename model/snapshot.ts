// A /proc snapshot in the stream: the first seeds the model (snapshot-seed.ts); a later one means the recorder was
// restarted and the captures are read together (snapshot-resume.ts).
import { Map as IMap } from 'immutable';
import type { SnapshotEvent, SnapshotProcess } from '../capture/events';
import type { State } from './state';
import { seedAll } from './snapshot-seed';
import { resumeFrom } from './snapshot-resume';
import { bareVersion } from './versions';

export function onSnapshot(s: State, e: SnapshotEvent): State {
  const resuming = s.procs.size > 0 || s.conns.size > 0; // a later recording read in the same stream
  s = {
    ...s,
    opensshVersions: IMap(Object.entries(e.opensshVersions ?? {}).map(([exe, v]) => [exe, bareVersion(v)])),
    userNames: s.userNames.merge(IMap((e.users ?? []).map(([name, uid]) => [uid, name] as [number, string]))),
  };
  const live = { ...e, processes: e.processes.filter((p) => !isZombie(p)) };
  return resuming ? resumeFrom(s, live) : seedAll(s, live.processes);
}

/** An exited process its parent has not reaped yet: /proc still lists it, with no exe and no command line. */
function isZombie(p: SnapshotProcess): boolean {
  return p.exe === '' && p.argv.length === 0;
}
