/**
 * What verify reads from the package file before installing it, with the
 * format's own tools inside the container (dpkg-deb, rpm -qp): name,
 * version, the service unit, conffiles and the payload's paths.
 */
import path from 'node:path';
import { fail } from './checks/check.js';
import type { Container } from './container.js';
import type { PackageFormat } from './verify.js';

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly unit: string | undefined;
  readonly conffiles: readonly string[];
  /** Non-directory paths of the payload. */
  readonly files: readonly string[];
  /** Directories of the payload that belong to it alone (their name contains the package name). */
  readonly ownDirs: readonly string[];
}

/** The payload's paths, split into directories and the rest. */
export interface Listing {
  readonly files: string[];
  readonly dirs: string[];
}

/** The first system .service unit (not a template) among the payload's paths. */
export function findUnit(files: readonly string[]): string | undefined {
  for (const f of files) {
    const m = /^(?:\/usr)?\/lib\/systemd\/system\/([^/]+\.service)$/.exec(f);
    if (m && !m[1]!.includes('@')) return m[1];
  }
  return undefined;
}

/** `tar -tv` of a .deb's data: "drwxr-xr-x root/root 0 2024-01-01 00:00 ./etc/" lines. */
export function parseDebListing(text: string): Listing {
  const out: Listing = { files: [], dirs: [] };
  for (const line of text.split('\n')) {
    const m = /^(\S)\S*\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/.*?)(?: -> .*)?$/.exec(line);
    if (!m || m[2] === '/') continue;
    (m[1] === 'd' ? out.dirs : out.files).push(m[2]!.replace(/\/$/, ''));
  }
  return out;
}

/** rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]': "drwxr-xr-x /etc/x" lines. */
export function parseRpmListing(text: string): Listing {
  const out: Listing = { files: [], dirs: [] };
  for (const line of text.split('\n')) {
    const m = /^(\S)\S* (\/.*)$/.exec(line);
    if (m) (m[1] === 'd' ? out.dirs : out.files).push(m[2]!);
  }
  return out;
}

/** The absolute paths among a tool's output lines. */
const absoluteLines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/'));

function infoOf(name: string, version: string, listing: Listing, conffiles: string[]): PackageInfo {
  const ownDirs = listing.dirs.filter((d) => path.basename(d).includes(name));
  return { name, version, unit: findUnit(listing.files), conffiles, files: listing.files, ownDirs };
}

const lastLine = (s: string): string => s.trim().split('\n').pop() ?? '';

async function debInfo(c: Container, inside: string): Promise<PackageInfo> {
  const f = await c.exec(['dpkg-deb', '-f', inside, 'Package', 'Version']);
  if (f.exitCode !== 0) fail(`not a readable .deb: ${lastLine(f.stderr)}`);
  const name = /^Package: (.*)$/m.exec(f.stdout)?.[1]?.trim() ?? '';
  const version = /^Version: (.*)$/m.exec(f.stdout)?.[1]?.trim() ?? '';
  const list = (await c.exec(['sh', '-c', 'dpkg-deb --fsys-tarfile "$1" | tar -tvf -', 'sh', inside])).stdout;
  const conf = await c.exec(['dpkg-deb', '-I', inside, 'conffiles']);
  return infoOf(name, version, parseDebListing(list), conf.exitCode === 0 ? absoluteLines(conf.stdout) : []);
}

async function rpmInfo(c: Container, inside: string): Promise<PackageInfo> {
  const q = await c.exec(['rpm', '-qp', '--qf', '%{NAME}\\n%{VERSION}-%{RELEASE}\\n', inside]);
  if (q.exitCode !== 0) fail(`not a readable .rpm: ${lastLine(q.stderr)}`);
  const [name = '', version = ''] = q.stdout.trim().split('\n');
  const list = await c.exec(['rpm', '-qp', '--qf', '[%{FILEMODES:perms} %{FILENAMES}\\n]', inside]);
  const conf = await c.exec(['rpm', '-qcp', inside]);
  return infoOf(name, version, parseRpmListing(list.stdout), absoluteLines(conf.stdout));
}

/** Reads the package at `inside` (a path in the container); fail() when the tool cannot read it. */
export function packageInfo(c: Container, format: PackageFormat, inside: string): Promise<PackageInfo> {
  return format === 'deb' ? debInfo(c, inside) : rpmInfo(c, inside);
}
