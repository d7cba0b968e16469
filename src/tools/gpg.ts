/**
 * A detached OpenPGP signer backed by the system `gpg` (through src/core/exec.ts),
 * for RPM (RSAHEADER/PGP signature tags) and other formats that take a Signer;
 * and a cleartext signer (`gpg --clearsign`) for Debian's .dsc and .changes.
 */
import { filter, run } from '../core/exec.js';
import { ConfigError, describeError, TacError, UnavailableError } from '../core/errors.js';
import type { Signer } from '../formats/plan.js';

export interface GpgSignerOptions {
  /** Key to sign with (fingerprint, id or user id); gpg's default key when absent. */
  readonly keyId?: string;
  /** GNUPGHOME; gpg's default when absent. */
  readonly homedir?: string;
  /** Digest algorithm; rpm 4.18 accepts SHA256 and stronger. */
  readonly digestAlgo?: 'SHA256' | 'SHA384' | 'SHA512';
}

// The options every gpg call here starts with: no prompts, the key and home asked for.
function baseArgs(options: GpgSignerOptions): string[] {
  return [
    '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '',
    ...(options.homedir ? ['--homedir', options.homedir] : []),
    ...(options.keyId ? ['--local-user', options.keyId] : []),
    '--digest-algo', options.digestAlgo ?? 'SHA256',
  ];
}

const withKey = (options: GpgSignerOptions): string => (options.keyId ? ` with key '${options.keyId}'` : '');

/** gpg's last complaint on stderr, without its "gpg: " prefix. */
function lastComplaint(stderr: string): string | undefined {
  return stderr.trim().split('\n').filter((l) => l.trim() !== '').pop()?.replace(/^gpg: /, '');
}

/** A failed gpg run as one line naming the key and gpg's last complaint (78); a missing gpg stays 69. */
function signFailure(e: unknown, what: string, options: GpgSignerOptions): unknown {
  if (e instanceof TacError && e.code === 'tacd.exec.missing') return e;
  const why = lastComplaint(String((e as { cause?: { stderr?: unknown } }).cause?.stderr ?? '')) ?? describeError(e);
  return new ConfigError('tacd.gpg.sign', `gpg ${what}${withKey(options)} failed: ${why}`, { cause: e });
}

/** Returns a Signer that runs `gpg --detach-sign` and yields the binary signature. */
export function gpgSigner(options: GpgSignerOptions = {}): Signer {
  return async (data: Uint8Array): Promise<Uint8Array> => {
    const args = [...baseArgs(options), '--no-armor', '--detach-sign', '--output', '-', '-'];
    // filter() keeps stdout binary (run() decodes text).
    const sig = await filter('gpg', args, data).catch((e: unknown) => {
      throw signFailure(e, '--detach-sign', options);
    });
    if (sig.length === 0) throw new UnavailableError('tacd.gpg.empty', 'gpg --detach-sign produced no signature');
    return new Uint8Array(sig);
  };
}

/** Returns `text` wrapped in an OpenPGP cleartext signature; the shape of srcdeb's ClearSigner. */
export type ClearSignFn = (text: Uint8Array) => Promise<Uint8Array>;

/**
 * Returns a cleartext signer that runs `gpg --clearsign` (for a .dsc and a
 * .changes, as debsign does). A failure (no such key, no gpg) is one line
 * naming the key and gpg's last complaint.
 */
export function gpgClearSigner(options: GpgSignerOptions = {}): ClearSignFn {
  return async (text: Uint8Array): Promise<Uint8Array> => {
    const r = await run('gpg', [...baseArgs(options), '--clearsign', '--output', '-', '-'], { input: text, allowFailure: true });
    if (r.exitCode !== 0) {
      const why = lastComplaint(r.stderr) ?? `exit status ${r.exitCode}`;
      throw new ConfigError('tacd.gpg.clearsign', `gpg --clearsign${withKey(options)} failed: ${why}`, { cause: r });
    }
    if (!r.stdout.startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) throw new UnavailableError('tacd.gpg.clearsign', `gpg --clearsign${withKey(options)} produced no signed message`);
    return new TextEncoder().encode(r.stdout);
  };
}

/** The gpg arguments for reading keys (no signing key chosen). */
function keyringArgs(options: GpgSignerOptions): string[] {
  return ['--batch', '--no-tty', ...(options.homedir ? ['--homedir', options.homedir] : [])];
}

/**
 * The public key `options.keyId` (gpg's whole public keyring when absent),
 * exported binary (an apt `Signed-By` keyring) or armored (an rpm/dnf
 * `gpgkey` file). A key gpg does not know is a ConfigError (78) naming it.
 */
export async function gpgExportKey(options: GpgSignerOptions & { readonly armor?: boolean } = {}): Promise<Uint8Array> {
  const args = [...keyringArgs(options), ...(options.armor ? ['--armor'] : []), '--export', ...(options.keyId ? [options.keyId] : [])];
  // filter() keeps stdout binary; gpg exits 0 with nothing on stdout for a key it does not know.
  const key = await filter('gpg', args, new Uint8Array(0)).catch((e: unknown) => {
    throw signFailure(e, '--export', options);
  });
  if (key.length === 0) throw new ConfigError('tacd.gpg.export', `gpg --export${withKey(options)} exported nothing: gpg has no such public key`);
  return new Uint8Array(key);
}

/** Returns a Signer that runs `gpg --armor --detach-sign` (Release.gpg, repomd.xml.asc): the ASCII-armored signature's bytes. */
export function gpgArmoredSigner(options: GpgSignerOptions = {}): Signer {
  return async (data: Uint8Array): Promise<Uint8Array> => {
    const r = await run('gpg', [...baseArgs(options), '--armor', '--detach-sign', '--output', '-', '-'], { input: data, allowFailure: true, timeoutMs: 60_000 });
    if (r.exitCode !== 0) {
      const why = lastComplaint(r.stderr) ?? `exit status ${r.exitCode}`;
      throw new ConfigError('tacd.gpg.sign', `gpg --detach-sign${withKey(options)} failed: ${why}`, { cause: r });
    }
    if (!r.stdout.startsWith('-----BEGIN PGP SIGNATURE-----')) throw new UnavailableError('tacd.gpg.empty', `gpg --detach-sign${withKey(options)} produced no signature`);
    return new TextEncoder().encode(r.stdout);
  };
}
