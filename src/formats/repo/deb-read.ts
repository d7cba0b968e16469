/**
 * Reads a .deb's control fields from its bytes: the ar container, then
 * control.tar (plain, .gz, .xz or .zst), then ./control. gzip is inflated
 * here (node:zlib); xz and zstd by the host's `Decompress`.
 */
import { gunzipSync } from 'node:zlib';
import { DataError } from '../../core/errors.js';
import { readAr } from './ar-read.js';
import { fieldValue, parseStanza, type Field } from './deb822.js';
import { tarFile } from './tar-read.js';

/** Decompresses xz or zstd data (the host runs `xz -dc` / `zstd -dc`). */
export type Decompress = (format: 'xz' | 'zstd', data: Uint8Array) => Promise<Uint8Array>;

const REQUIRED = ['Package', 'Version', 'Architecture'] as const;

function notDeb(file: string, why: string, cause?: unknown): DataError {
  return new DataError('repo.deb.invalid', `${file}: not a Debian package (${why})`, { field: 'file', cause });
}

async function controlTar(name: string, data: Uint8Array, file: string, decompress: Decompress): Promise<Uint8Array> {
  try {
    if (name === 'control.tar') return data;
    if (name === 'control.tar.gz') return new Uint8Array(gunzipSync(data));
    if (name === 'control.tar.xz') return await decompress('xz', data);
    if (name === 'control.tar.zst') return await decompress('zstd', data);
  } catch (e) {
    throw notDeb(file, `${name} does not decompress`, e);
  }
  throw notDeb(file, `unknown control member '${name}'`);
}

/** The control fields of the .deb in `bytes`; `file` names it in errors. */
export async function readDebControl(bytes: Uint8Array, file: string, decompress: Decompress): Promise<Field[]> {
  const members = readAr(bytes, file);
  if (members[0]?.name !== 'debian-binary' || !new TextDecoder().decode(members[0].data).startsWith('2.')) throw notDeb(file, "its first member is not 'debian-binary' 2.x");
  const member = members.find((m) => m.name.startsWith('control.tar'));
  if (!member) throw notDeb(file, 'no control.tar member');
  const tar = await controlTar(member.name, member.data, file, decompress);
  const control = tarFile(tar, 'control', `${file}: ${member.name}`);
  if (!control) throw notDeb(file, `${member.name} holds no ./control`);
  const fields = parseStanza(new TextDecoder().decode(control), `${file}: control`);
  for (const f of REQUIRED) if (!fieldValue(fields, f)) throw notDeb(file, `its control has no ${f} field`);
  return fields;
}
