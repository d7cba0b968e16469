// A registry on 127.0.0.1 serving any packages given as file trees: each
// version is packed with the system tar under package/ and served with its
// sha512 dist.integrity (or a given wrong one), for the platform-package and
// runtime suites (fake-registry.ts).
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FakePackage {
  readonly name: string;
  readonly version: string;
  /** package.json fields besides name and version (os, cpu, libc, optionalDependencies). */
  readonly manifest?: Record<string, unknown>;
  /** Other files of the package: path -> content. */
  readonly files?: Record<string, string | Buffer>;
  /** Permission bits of some of those files (default 0644). */
  readonly modes?: Record<string, number>;
  /** Served as dist.integrity instead of the real hash. */
  readonly integrity?: string;
}

export interface FakePackageRegistry {
  readonly url: string;
  /** Request paths seen. */
  readonly hits: string[];
  close(): Promise<void>;
}

function pack(p: FakePackage): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'tacd-fake-pkg-'));
  try {
    const write = (rel: string, data: string | Buffer): void => {
      mkdirSync(path.dirname(path.join(dir, 'package', rel)), { recursive: true });
      writeFileSync(path.join(dir, 'package', rel), data);
    };
    write('package.json', JSON.stringify({ name: p.name, version: p.version, ...p.manifest }));
    for (const [rel, data] of Object.entries(p.files ?? {})) write(rel, data);
    for (const [rel, mode] of Object.entries(p.modes ?? {})) chmodSync(path.join(dir, 'package', rel), mode);
    execFileSync('tar', ['-czf', path.join(dir, 'out.tgz'), '-C', dir, 'package']);
    return readFileSync(path.join(dir, 'out.tgz'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sri = (b: Buffer): string => `sha512-${createHash('sha512').update(b).digest('base64')}`;
const tarballPath = (p: FakePackage): string => `/${p.name}/-/${p.name.split('/').pop()}-${p.version}.tgz`;

/** Serves `packages` (several versions of a name allowed). */
export async function fakePackageRegistry(packages: readonly FakePackage[]): Promise<FakePackageRegistry> {
  const tarballs = new Map(packages.map((p) => [tarballPath(p), pack(p)]));
  const hits: string[] = [];
  let base = '';
  const packument = (name: string): string => {
    const versions = packages.filter((p) => p.name === name);
    const entry = (p: FakePackage): unknown => ({ ...p.manifest, name, version: p.version, dist: { integrity: p.integrity ?? sri(tarballs.get(tarballPath(p))!), tarball: `${base}${tarballPath(p).slice(1)}` } });
    return JSON.stringify({ name, versions: Object.fromEntries(versions.map((p) => [p.version, entry(p)])) });
  };
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    hits.push(url);
    const body = tarballs.get(url);
    if (body) return void res.setHeader('content-length', body.length).end(body);
    if (packages.some((p) => `/${p.name}` === url)) return void res.setHeader('content-type', 'application/json').end(packument(url.slice(1)));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  return { url: base, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
