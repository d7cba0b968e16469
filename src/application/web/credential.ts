/**
 * systemd credentials: `credential(name)` reads `$CREDENTIALS_DIRECTORY/NAME`,
 * the file systemd provides for `LoadCredential=NAME:PATH`,
 * `LoadCredentialEncrypted=`, `SetCredential=NAME:VALUE` or (systemd ≥ 250)
 * `LoadCredential=NAME` / `ImportCredential=` from /etc/credstore. The
 * contents come back exactly as stored (no newline is stripped).
 *
 * A missing variable or file is a NoInputError (exit 66) naming the
 * credential, the variable and the unit setting that provides it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NoInputError } from '../../core/errors.js';
import { argError } from '../internet/args.js';

/** Where the environment comes from (default process.env; tests pass their own). */
export interface CredentialOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw argError('credential', 'name', 'a credential name (a file name: no "/", not "." or "..")', name);
  }
  return name;
}

function hint(name: string): string {
  return `put it in /etc/credstore/${name} (mode 0600) and set LoadCredential=${name} in the unit (tacd.credentials does), or SetCredential=${name}:VALUE`;
}

/** The path of credential `name`. @throws NoInputError when $CREDENTIALS_DIRECTORY is not set. */
export function credentialPath(name: string, options: CredentialOptions = {}): string {
  checkName(name);
  const dir = (options.env ?? process.env).CREDENTIALS_DIRECTORY;
  if (dir === undefined || dir === '') {
    throw new NoInputError('$CREDENTIALS_DIRECTORY', `credential '${name}': $CREDENTIALS_DIRECTORY is not set (not started by systemd with credentials): ${hint(name)}`, { code: 'tacd.credential.noDirectory' });
  }
  return path.join(dir, name);
}

/** The bytes of credential `name`. @throws NoInputError when it is missing or unreadable. */
export function credentialBytes(name: string, options: CredentialOptions = {}): Buffer {
  const file = credentialPath(name, options);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `not found in $CREDENTIALS_DIRECTORY (${path.dirname(file)}): ${hint(name)}` : `cannot read ${file}: ${code ?? String(e)}`;
    throw new NoInputError(file, `credential '${name}' ${why}`, { code: 'tacd.credential.missing', cause: e });
  }
}

/** Credential `name` as UTF-8 text, exactly as stored. @throws NoInputError when it is missing. */
export function credential(name: string, options: CredentialOptions = {}): string {
  return credentialBytes(name, options).toString('utf8');
}
