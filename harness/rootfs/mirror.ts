// Finds a Debian mirror that serves a release, so a missing network is reported before debootstrap starts.
import { request } from 'node:http';
import type { Progress } from './run';

/** HTTP status of a HEAD request, or an Error describing why no answer came. */
function headStatus(url: string, timeoutMs: number): Promise<number | Error> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(new Error(`timed out after ${timeoutMs} ms`));
    });
    req.on('error', (err) => resolve(err));
    req.end();
  });
}

/** The first mirror whose dists/<release>/InRelease answers 200; throws one line naming every failure. */
export async function pickMirror(release: string, mirrors: readonly string[], progress: Progress): Promise<string> {
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = `${mirror.replace(/\/$/, '')}/dists/${release}/InRelease`;
    const status = await headStatus(url, 15000);
    if (status === 200) {
      progress(`mirror ${mirror} serves ${release}`);
      return mirror;
    }
    failures.push(`${url}: ${status instanceof Error ? status.message : `HTTP ${status}`}`);
  }
  throw new Error(
    `no mirror serves Debian ${release} (${failures.join('; ')}): check the network or pass --mirror URL`,
  );
}
