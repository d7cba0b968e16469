/**
 * The repository's key, through gpg (src/tools/gpg.ts): exported up front
 * (so a key gpg does not know fails before anything is built), then used
 * for InRelease, Release.gpg and repomd.xml.asc.
 */
import { gpgArmoredSigner, gpgClearSigner, gpgExportKey, type GpgSignerOptions } from '../tools/gpg.js';

export interface RepoKey {
  /** The public key, binary (apt's Signed-By keyring). */
  readonly binary: Uint8Array;
  /** The public key, armored (dnf's gpgkey). */
  readonly armored: Uint8Array;
  clearsign(text: Uint8Array): Promise<Uint8Array>;
  detachArmored(data: Uint8Array): Promise<Uint8Array>;
}

/** The key `keyId` in `homedir` (GNUPGHOME; gpg's default when absent). */
export async function openKey(keyId: string, homedir: string | undefined): Promise<RepoKey> {
  const o: GpgSignerOptions = { keyId, ...(homedir ? { homedir } : {}) };
  const binary = await gpgExportKey(o);
  const armored = await gpgExportKey({ ...o, armor: true });
  return { binary, armored, clearsign: gpgClearSigner(o), detachArmored: gpgArmoredSigner(o) };
}
