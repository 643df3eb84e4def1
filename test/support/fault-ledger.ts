// docs/model-faults.md, read by the property tests: which known model faults are open and what each is.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface KnownFault {
  readonly id: string;
  readonly status: 'open' | 'fixed';
  readonly what: string;
}

const LEDGER = resolve(__dirname, '../../../docs/model-faults.md');

/** Every row of every fault table, in order; throws on a row whose status is neither open nor fixed. */
export function knownFaults(path = LEDGER): KnownFault[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const row = /^\|(.+)\|$/.exec(line.trim());
      const cells = row === null ? [] : row[1]!.split('|').map((c) => c.trim());
      if (cells.length !== 3 || cells[0] === 'fault' || /^-+$/.test(cells[0]!)) return [];
      const [id, status, what] = cells as [string, string, string];
      if (status !== 'open' && status !== 'fixed')
        throw new Error(`${path}: fault ${id} has status "${status}", not open or fixed`);
      return [{ id, status, what }];
    });
}

/** The fault `id`, which must be in the ledger (a test naming an unlisted fault is itself a mistake). */
export function knownFault(id: string, faults = knownFaults()): KnownFault {
  const fault = faults.find((f) => f.id === id);
  if (!fault) throw new Error(`fault "${id}" is not in docs/model-faults.md: list it there`);
  return fault;
}
