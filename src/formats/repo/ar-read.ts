/**
 * Reads the members of an ar archive (a .deb's container, deb(5)): the magic
 * "!<arch>\n", then per member a 60-byte header (name, ..., size) and the
 * data padded to an even length. GNU/BSD long names do not occur in a .deb.
 */
import { DataError } from '../../core/errors.js';

export interface ArMemberView {
  readonly name: string;
  readonly data: Uint8Array;
}

const MAGIC = '!<arch>\n';
const dec = new TextDecoder('latin1');

function notAr(file: string, why: string): DataError {
  return new DataError('repo.deb.ar', `${file}: not a Debian package (${why})`, { field: 'file' });
}

/** Every member of the ar archive in `bytes`, in order; `file` names it in errors. */
export function readAr(bytes: Uint8Array, file: string): ArMemberView[] {
  if (bytes.length < 8 || dec.decode(bytes.subarray(0, 8)) !== MAGIC) throw notAr(file, 'no ar magic "!<arch>" at its start');
  const out: ArMemberView[] = [];
  let at = 8;
  while (at < bytes.length) {
    if (at + 60 > bytes.length) throw notAr(file, `truncated ar header at byte ${at}`);
    const header = dec.decode(bytes.subarray(at, at + 60));
    if (header.slice(58, 60) !== '`\n') throw notAr(file, `bad ar header at byte ${at}`);
    const size = Number(header.slice(48, 58).trim());
    if (!Number.isSafeInteger(size) || at + 60 + size > bytes.length) throw notAr(file, `ar member at byte ${at} runs past the end`);
    out.push({ name: header.slice(0, 16).trim().replace(/\/$/, ''), data: bytes.subarray(at + 60, at + 60 + size) });
    at += 60 + size + (size % 2);
  }
  return out;
}
