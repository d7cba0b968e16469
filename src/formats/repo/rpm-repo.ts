/**
 * A yum/dnf repository's metadata: repodata/<sha256>-{primary,filelists,
 * other}.xml.gz (a new name for new content, as createrepo_c's default, so a
 * client racing an upload never pairs an old repomd.xml with new data) and
 * repodata/repomd.xml naming each with its SHA-256, open (uncompressed)
 * SHA-256 and sizes. gzip, which every dnf and yum reads (Fedora's
 * createrepo_c 1.x defaults to zstd; Debian's dnf 4 and EL 8/9 read gzip).
 * Signing repomd.xml (repomd.xml.asc) is the host's.
 */
import { gzipCompressor } from '../archive/gzip.js';
import type { RepoFile } from './apt-repo.js';
import { sha256Hex } from './digests.js';
import { filelistsXml, otherXml, primaryXml, type RpmEntry } from './rpm-md.js';
import { attrs } from './xml.js';

export interface RpmRepoPlan {
  readonly entries: readonly RpmEntry[];
  /** Seconds since the epoch: repomd's revision and timestamps. */
  readonly date: number;
}

const enc = new TextEncoder();

async function gzip(data: Uint8Array): Promise<Uint8Array> {
  return gzipCompressor(9).compress((async function* () {
    yield data;
  })());
}

async function dataFile(type: string, xml: string, date: number): Promise<{ file: RepoFile; record: string }> {
  const open = enc.encode(xml);
  const gz = await gzip(open);
  const sha = sha256Hex(gz);
  const href = `repodata/${sha}-${type}.xml.gz`;
  const record = `  <data type="${type}">\n    <checksum type="sha256">${sha}</checksum>\n    <open-checksum type="sha256">${sha256Hex(open)}</open-checksum>\n` +
    `    <location${attrs([['href', href]])}/>\n    <timestamp>${date}</timestamp>\n    <size>${gz.length}</size>\n    <open-size>${open.length}</open-size>\n  </data>\n`;
  return { file: { path: href, data: gz }, record };
}

/** repodata/: the three metadata files and repomd.xml (last in the list). */
export async function writeRpmIndices(plan: RpmRepoPlan): Promise<RepoFile[]> {
  const parts = [
    await dataFile('primary', primaryXml(plan.entries), plan.date),
    await dataFile('filelists', filelistsXml(plan.entries), plan.date),
    await dataFile('other', otherXml(plan.entries), plan.date),
  ];
  const repomd = `<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n  <revision>${plan.date}</revision>\n${parts.map((p) => p.record).join('')}</repomd>\n`;
  return [...parts.map((p) => p.file), { path: 'repodata/repomd.xml', data: enc.encode(repomd) }];
}
