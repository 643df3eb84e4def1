// sshtrace's version, from package.json (read at run time: dist/ keeps no copy of it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | null = null;

export function toolVersion(): string {
  if (cached === null) {
    try {
      // dist/capture/tool-version.js → the package root is two levels up from dist/capture.
      cached = String(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
    } catch {
      cached = '0.0.0-unknown';
    }
  }
  return cached;
}
