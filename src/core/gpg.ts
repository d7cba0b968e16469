/**
 * A detached OpenPGP signer backed by the system `gpg` (through src/core/exec.ts),
 * for RPM (RSAHEADER/PGP signature tags) and other formats that take a Signer;
 * and a cleartext signer (`gpg --clearsign`) for Debian's .dsc and .changes.
 */
import { filter, run } from './exec.js';
import { TacError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { Signer } from '../formats/plan.js';

export interface GpgSignerOptions {
  /** Key to sign with (fingerprint, id or user id); gpg's default key when absent. */
  readonly keyId?: string;
  /** GNUPGHOME; gpg's default when absent. */
  readonly homedir?: string;
  /** Digest algorithm; rpm 4.18 accepts SHA256 and stronger. */
  readonly digestAlgo?: 'SHA256' | 'SHA384' | 'SHA512';
}

/** Returns a Signer that runs `gpg --detach-sign` and yields the binary signature. */
export function gpgSigner(options: GpgSignerOptions = {}): Signer {
  return async (data: Uint8Array): Promise<Uint8Array> => {
    const args = [
      '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '',
      ...(options.homedir ? ['--homedir', options.homedir] : []),
      ...(options.keyId ? ['--local-user', options.keyId] : []),
      '--digest-algo', options.digestAlgo ?? 'SHA256',
      '--no-armor', '--detach-sign', '--output', '-', '-',
    ];
    // filter() keeps stdout binary (run() decodes text).
    const sig = await filter('gpg', args, data);
    if (sig.length === 0) throw new TacError('tacd.gpg.empty', 'gpg --detach-sign produced no signature');
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
    const args = [
      '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '',
      ...(options.homedir ? ['--homedir', options.homedir] : []),
      ...(options.keyId ? ['--local-user', options.keyId] : []),
      '--digest-algo', options.digestAlgo ?? 'SHA256',
      '--clearsign', '--output', '-', '-',
    ];
    const r = await run('gpg', args, { input: text, allowFailure: true });
    const key = options.keyId ? ` with key '${options.keyId}'` : '';
    if (r.exitCode !== 0) {
      const why = r.stderr.trim().split('\n').filter((l) => l.trim() !== '').pop() ?? `exit status ${r.exitCode}`;
      throw new TacError('tacd.gpg.clearsign', `gpg --clearsign${key} failed: ${why.replace(/^gpg: /, '')}`, { exitCode: ExitCode.CONFIG, cause: r });
    }
    if (!r.stdout.startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) throw new TacError('tacd.gpg.clearsign', `gpg --clearsign${key} produced no signed message`);
    return new TextEncoder().encode(r.stdout);
  };
}
