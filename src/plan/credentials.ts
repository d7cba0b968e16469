/**
 * The service's secrets: package.json's "tacd": {"credentials": [...]}, a
 * list of names or an object NAME: {"description": "..."}. Each becomes a
 * `LoadCredential=NAME` line in the unit: systemd (>= 250: bookworm's 252,
 * trixie's 257) looks for /etc/credstore/NAME, /run/credstore/NAME and
 * /usr/lib/credstore/NAME, copies it into the service's private
 * $CREDENTIALS_DIRECTORY, and starts the service without it when there is
 * none (the app's credential(NAME) then says which file to create).
 */
import { DataError } from '../core/errors.js';
import { printable } from './env.js';

/** One credential the service reads. */
export interface CredentialSpec {
  readonly name: string;
  /** What it is, for the admin (comments in the unit and the default file). */
  readonly description: string | undefined;
}

// A file name in /etc/credstore and a bare LoadCredential= argument: no '/', ':', '%', space or control character.
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,254}$/;

function checkName(name: unknown, where: string): string {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new DataError('tacd.spec.credentials', `${where}: ${JSON.stringify(name)} is not a credential name (expected letters, digits and _.@+-, at most 255, not starting with '.', '@', '+' or '-')`, { field: 'credentials' });
  }
  return name;
}

function descriptionOf(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new DataError('tacd.spec.credentials', `${where}: expected {"description": "..."}, got ${JSON.stringify(v)}`, { field: 'credentials' });
  const d = (v as { description?: unknown }).description;
  // eslint-disable-next-line no-control-regex
  if (d !== undefined && (typeof d !== 'string' || /[\u0000-\u001f\u007f]/.test(d) || d.length > 200)) {
    throw new DataError('tacd.spec.credentials', `${where}.description: expected one line of at most 200 characters, got ${JSON.stringify(d)}`, { field: 'credentials' });
  }
  return d === '' ? undefined : d;
}

/** tacd.credentials, validated, in its order. @throws DataError naming the file and entry. */
export function credentialsFromPackageJson(v: unknown, where: string): CredentialSpec[] {
  const field = `${where}: tacd.credentials`;
  if (v === undefined) return [];
  const list = Array.isArray(v)
    ? v.map((name, i) => ({ name: checkName(name, `${field}[${i}]`), description: undefined }))
    : typeof v === 'object' && v !== null
      ? Object.entries(v).map(([name, d]) => ({ name: checkName(name, `${field}.${printable(name)}`), description: descriptionOf(d, `${field}.${printable(name)}`) }))
      : undefined;
  if (list === undefined) throw new DataError('tacd.spec.credentials', `${field}: expected a list of names or an object NAME: {"description": "..."}, got ${JSON.stringify(v)}`, { field: 'credentials' });
  const dup = list.find((c, i) => list.findIndex((o) => o.name === c.name) !== i);
  if (dup) throw new DataError('tacd.spec.credentials', `${field}: ${dup.name} is listed twice`, { field: 'credentials' });
  return list;
}
