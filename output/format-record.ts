// One record in the format the user chose: the same text from replay, watch and the demo.
import type { OutputRecord } from '../model/records';
import { formatEcs } from './ecs';
import { formatOcsf } from './ocsf';
import type { SiemContext } from './siem-context';
import { formatTable } from './table';

export type ReplayFormat = 'table' | 'jsonl' | 'ocsf' | 'ecs';

const NO_CONTEXT: SiemContext = { hostname: null, toolVersion: '0.0.0-unknown' };

/** One record as text; ocsf and ecs may give several lines (a session's commands) or none. */
export function formatRecord(r: OutputRecord, format: ReplayFormat, context: SiemContext = NO_CONTEXT): string {
  switch (format) {
    case 'jsonl':
      return `${JSON.stringify(r)}\n`;
    case 'table':
      return `${formatTable(r)}\n`;
    case 'ocsf':
      return formatOcsf(r, context);
    case 'ecs':
      return formatEcs(r, context);
  }
}
