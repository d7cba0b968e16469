// A registry on 127.0.0.1 serving node-linux-* packuments and tarballs made
// with the system tar from a given binary (package/bin/node), for the runtime suites.
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FakeVersion {
  readonly version: string;
  /** The file shipped as package/bin/node. */
  readonly binary: string;
  /** Served as dist.integrity instead of the real hash. */
  readonly integrity?: string;
}

export interface FakeRegistry {
  readonly url: string;
  /** Requests seen, by path. */
  readonly hits: string[];
  close(): Promise<void>;
}

function tarball(binary: string): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'tacd-fake-tgz-'));
  try {
    mkdirSync(path.join(dir, 'package', 'bin'), { recursive: true });
    copyFileSync(binary, path.join(dir, 'package', 'bin', 'node'));
    execFileSync('tar', ['-czf', path.join(dir, 'out.tgz'), '-C', dir, 'package']);
    return readFileSync(path.join(dir, 'out.tgz'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sri = (b: Buffer): string => `sha512-${createHash('sha512').update(b).digest('base64')}`;

/** Serves `pkg` with `versions`. */
export async function fakeRegistry(pkg: string, versions: readonly FakeVersion[]): Promise<FakeRegistry> {
  const files = new Map(versions.map((v) => [v.version, tarball(v.binary)]));
  const hits: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === `/${pkg}`) {
      const doc = { name: pkg, versions: Object.fromEntries(versions.map((v) => [v.version, { dist: { integrity: v.integrity ?? sri(files.get(v.version)!), tarball: `${base}${pkg}/-/${pkg}-${v.version}.tgz` } }])) };
      res.setHeader('content-type', 'application/json').end(JSON.stringify(doc));
      return;
    }
    const m = new RegExp(`^/${pkg}/-/${pkg}-(.+)\\.tgz$`).exec(req.url ?? '');
    const body = m ? files.get(m[1]!) : undefined;
    if (body) res.setHeader('content-length', body.length).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  return { url: base, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
