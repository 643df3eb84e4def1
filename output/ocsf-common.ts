// Pieces every OCSF 1.8.0 event of sshtrace shares: metadata, the device (the recorded host), users,
// endpoints and the class/activity/type numbers (docs/ocsf.md has the whole mapping).
import type { Endpoint } from '../model/records';
import { compact, type SiemContext } from './siem-context';

const OCSF_VERSION = '1.8.0';

export type OcsfEvent = Record<string, unknown>;

export interface OcsfClass {
  readonly classUid: number;
  readonly className: string;
  readonly categoryUid: number;
  readonly categoryName: string;
}

export const AUTHENTICATION: OcsfClass = {
  classUid: 3002,
  className: 'Authentication',
  categoryUid: 3,
  categoryName: 'Identity & Access Management',
};
export const PROCESS_ACTIVITY: OcsfClass = {
  classUid: 1007,
  className: 'Process Activity',
  categoryUid: 1,
  categoryName: 'System Activity',
};

/** The fields that name an event's class, activity and type (type_uid = class_uid * 100 + activity_id). */
export function classified(c: OcsfClass, activityId: number, activityName: string): OcsfEvent {
  return {
    class_uid: c.classUid,
    class_name: c.className,
    category_uid: c.categoryUid,
    category_name: c.categoryName,
    activity_id: activityId,
    activity_name: activityName,
    type_uid: c.classUid * 100 + activityId,
    type_name: `${c.className}: ${activityName}`,
    // sshtrace reports what happened, not how bad it is: a SIEM's rules rate it.
    severity_id: 1,
    severity: 'Informational',
  };
}

/** `profiles: ['host']` because Authentication events carry `device`, which that profile owns. */
export function metadata(ctx: SiemContext, connection: string | null): OcsfEvent {
  return compact({
    version: OCSF_VERSION,
    product: { name: 'sshtrace', vendor_name: 'sshtrace', version: ctx.toolVersion },
    profiles: ['host'],
    log_name: 'sshtrace',
    correlation_uid: connection,
  });
}

export function device(ctx: SiemContext): OcsfEvent {
  // type_id 1 Server: sshtrace watches the machine that runs sshd.
  return {
    type_id: 1,
    type: 'Server',
    hostname: ctx.hostname ?? 'unknown',
    os: { name: 'Linux', type_id: 200, type: 'Linux' },
  };
}

export function ocsfUser(name: string | null, uid: number | null): OcsfEvent {
  return compact({
    name: name ?? undefined,
    uid: uid === null ? undefined : String(uid),
    type_id: uid === 0 ? 2 : 1,
    type: uid === 0 ? 'Admin' : 'User',
  });
}

export function endpoint(source: Endpoint | null): OcsfEvent | undefined {
  return source === null ? undefined : { ip: source.ip, port: source.port };
}

export function status(success: boolean): OcsfEvent {
  return success ? { status_id: 1, status: 'Success' } : { status_id: 2, status: 'Failure' };
}

/** sshd's monitor (the per-connection privileged process) as an OCSF process, when its pid is known. */
export function sshdProcess(pid: number | null): OcsfEvent | undefined {
  return pid === null ? undefined : { pid, name: 'sshd' };
}
