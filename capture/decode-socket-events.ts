// Decoders for socket, message and file-write events (bpf/events.h). Variable data is clamped to
// the event's size, so a lying length field can never read into the next event.
import type {
  AcceptEvent,
  BannerEvent,
  ConnectEvent,
  DgramEvent,
  FdpassEvent,
  FileWriteEvent,
  MessageDesyncEvent,
  MonitorMessageEvent,
  PipeWriteEvent,
  SocketpairEvent,
  SocknameEvent,
} from './events';
import { decodeBase } from './decode-process-events';
import { AF, ARRAY_BYTES, CAPS, ENUMS, EVF, LAYOUT } from './layout';
import type { EventView } from './event-view';

const H = LAYOUT.event_header.fields;

/** Bytes of data[] usable: the declared length cut to what the event holds. */
function clampedLength(declared: number, size: number, dataOffset: number): number {
  return Math.max(0, Math.min(declared, size - dataOffset));
}

const ACCEPT = LAYOUT.accept_event.fields;
export function decodeAccept(v: EventView, at: number): AcceptEvent {
  return {
    kind: 'accept',
    ...decodeBase(v, at),
    fd: v.i32(at + ACCEPT.fd),
    listenFd: v.i32(at + ACCEPT.listen_fd),
    local: v.endpoint(at + ACCEPT.local),
    peer: v.endpoint(at + ACCEPT.peer),
    sockIno: v.u64(at + ACCEPT.sock_ino),
  };
}

const SOCKNAME = LAYOUT.sockname_event.fields;
export function decodeSockname(v: EventView, at: number): SocknameEvent | null {
  const callNo = v.u32(at + SOCKNAME.call);
  if (callNo !== ENUMS.SOCKNAME_PEER && callNo !== ENUMS.SOCKNAME_SOCK) return null;
  return {
    kind: 'sockname',
    ...decodeBase(v, at),
    call: callNo === ENUMS.SOCKNAME_PEER ? 'getpeername' : 'getsockname',
    ret: v.i32(at + SOCKNAME.ret),
    fd: v.i32(at + SOCKNAME.fd),
    addr: v.endpoint(at + SOCKNAME.addr),
    sockIno: v.u64(at + SOCKNAME.sock_ino),
  };
}

const CONNECT = LAYOUT.connect_event.fields;
export function decodeConnect(v: EventView, at: number): ConnectEvent {
  const family = v.u16(at + CONNECT.family);
  const pathLen = Math.min(v.u16(at + CONNECT.path_len), CAPS.UNIX_PATH_CAP);
  return {
    kind: 'connect',
    ...decodeBase(v, at),
    ret: v.i32(at + CONNECT.ret),
    fd: v.i32(at + CONNECT.fd),
    sockIno: v.u64(at + CONNECT.sock_ino),
    family,
    inet: v.endpoint(at + CONNECT.inet),
    path: family === AF.UNIX ? unixPath(v, at + CONNECT.path, pathLen) : '',
  };
}

/** Abstract names (leading NUL) print as "@name", as ss(8) does; their trailing NULs are padding. */
function unixPath(v: EventView, start: number, length: number): string {
  if (length === 0) return '';
  if (v.u8(start) !== 0) return v.cstr(start, length);
  let end = start + length;
  while (end > start + 1 && v.u8(end - 1) === 0) end--;
  return `@${v.text(start + 1, end)}`;
}

const SOCKETPAIR = LAYOUT.socketpair_event.fields;
export function decodeSocketpair(v: EventView, at: number): SocketpairEvent {
  return {
    kind: 'socketpair',
    ...decodeBase(v, at),
    ret: v.i32(at + SOCKETPAIR.ret),
    family: v.u32(at + SOCKETPAIR.family),
    sockType: v.u32(at + SOCKETPAIR.sock_type),
    fds: [v.i32(at + SOCKETPAIR.fds), v.i32(at + SOCKETPAIR.fds + 4)],
    inos: [v.u64(at + SOCKETPAIR.ino), v.u64(at + SOCKETPAIR.ino + 8)],
    framed: (v.u32(at + H.flags) & EVF.SOCK_MONITOR) !== 0,
  };
}

const MSG = LAYOUT.monitor_msg_event.fields;
export function decodeMonitorMessage(v: EventView, at: number, size: number): MonitorMessageEvent {
  const withheld = (v.u32(at + H.flags) & EVF.MSG_WITHHELD) !== 0;
  const bodyLen = withheld ? 0 : clampedLength(v.u16(at + MSG.body_len), size, MSG.data);
  return {
    kind: 'frame',
    ...decodeBase(v, at),
    sockIno: v.u64(at + MSG.sock_ino),
    len: v.u32(at + MSG.len),
    msgType: v.u8(at + MSG.msg_type),
    withheld,
    body: v.bytes(at + MSG.data, bodyLen),
  };
}

const FDPASS = LAYOUT.fdpass_event.fields;
export function decodeFdpass(v: EventView, at: number): FdpassEvent {
  return {
    kind: 'fdpass',
    ...decodeBase(v, at),
    sockIno: v.u64(at + FDPASS.sock_ino),
    controllen: v.u32(at + FDPASS.controllen),
    datalen: v.u32(at + FDPASS.datalen),
  };
}

const DGRAM = LAYOUT.dgram_event.fields;
export function decodeDgram(v: EventView, at: number, size: number): DgramEvent | null {
  const kindNo = v.u32(at + DGRAM.kind);
  if (kindNo !== ENUMS.DGRAM_SYSLOG && kindNo !== ENUMS.DGRAM_AUDIT) return null;
  const len = clampedLength(v.u16(at + DGRAM.len), size, DGRAM.data);
  return {
    kind: 'dgram',
    ...decodeBase(v, at),
    dgram: kindNo === ENUMS.DGRAM_SYSLOG ? 'syslog' : 'audit',
    sockIno: v.u64(at + DGRAM.sock_ino),
    text: v.text(at + DGRAM.data, at + DGRAM.data + len),
  };
}

const BANNER = LAYOUT.banner_event.fields;
export function decodeBanner(v: EventView, at: number, size: number): BannerEvent {
  const len = clampedLength(v.u16(at + BANNER.len), size, BANNER.data);
  return {
    kind: 'banner',
    ...decodeBase(v, at),
    sockIno: v.u64(at + BANNER.sock_ino),
    text: v.text(at + BANNER.data, at + BANNER.data + len),
  };
}

const FILE_WRITE = LAYOUT.file_write_event.fields;
export function decodeFileWrite(v: EventView, at: number, size: number): FileWriteEvent {
  const len = clampedLength(v.u16(at + FILE_WRITE.len), size, FILE_WRITE.data);
  return {
    kind: 'file_write',
    ...decodeBase(v, at),
    fd: v.i32(at + FILE_WRITE.fd),
    count: v.u32(at + FILE_WRITE.count),
    ino: v.u64(at + FILE_WRITE.ino),
    pos: v.i64(at + FILE_WRITE.pos),
    name: v.cstr(at + FILE_WRITE.name, ARRAY_BYTES.file_write_event.name),
    data: v.bytes(at + FILE_WRITE.data, len),
  };
}

const PIPE_WRITE = LAYOUT.pipe_write_event.fields;
export function decodePipeWrite(v: EventView, at: number, size: number): PipeWriteEvent {
  const len = clampedLength(v.u16(at + PIPE_WRITE.len), size, PIPE_WRITE.data);
  return {
    kind: 'pipe_write',
    ...decodeBase(v, at),
    fd: v.i32(at + PIPE_WRITE.fd),
    count: v.u32(at + PIPE_WRITE.count),
    ino: v.u64(at + PIPE_WRITE.ino),
    data: v.bytes(at + PIPE_WRITE.data, len),
  };
}

const DESYNC_REASONS: Readonly<Record<number, MessageDesyncEvent['reason'] | undefined>> = {
  [ENUMS.DESYNC_BAD_LENGTH]: 'bad_length',
  [ENUMS.DESYNC_TOO_MANY]: 'too_many',
  [ENUMS.DESYNC_READ_FAILED]: 'read_failed',
  [ENUMS.DESYNC_NO_STATE]: 'no_state',
};
const DESYNC = LAYOUT.msg_desync_event.fields;
export function decodeMessageDesync(v: EventView, at: number): MessageDesyncEvent {
  return {
    kind: 'frame_desync',
    ...decodeBase(v, at),
    sockIno: v.u64(at + DESYNC.sock_ino),
    reason: DESYNC_REASONS[v.u32(at + DESYNC.reason)] ?? 'unknown',
    bytes: v.u32(at + DESYNC.bytes),
  };
}
