/**
 * Twisted's `sslmethod=` (pyOpenSSL's method constants) as Node TLS
 * options: which protocol versions a TLS server offers.
 *
 * - SSLv23_METHOD (also TLS_METHOD, TLS_SERVER_METHOD): negotiate the best
 *   version both sides speak; Node's defaults (TLS 1.2 and 1.3).
 * - TLSv1_METHOD, TLSv1_1_METHOD, TLSv1_2_METHOD: exactly that version, as
 *   pyOpenSSL's fixed-version methods. OpenSSL 3 refuses TLS 1.0 and 1.1 at
 *   its default security level, so those two lower it to 0 for their port.
 * - TLSv1_3_METHOD: exactly TLS 1.3 (tacd's; pyOpenSSL has no such name).
 */
import type tls from 'node:tls';
import { DataError } from '../../core/errors.js';

type Version = tls.SecureVersion;

const FIXED: Readonly<Record<string, Version>> = {
  TLSv1_METHOD: 'TLSv1',
  TLSv1_1_METHOD: 'TLSv1.1',
  TLSv1_2_METHOD: 'TLSv1.2',
  TLSv1_3_METHOD: 'TLSv1.3',
};

const NEGOTIATE = ['SSLv23_METHOD', 'TLS_METHOD', 'TLS_SERVER_METHOD'] as const;

/** Every accepted sslmethod name. */
export const TLS_METHODS: readonly string[] = [...NEGOTIATE, ...Object.keys(FIXED)];

/** An accepted sslmethod name ('TLSv1_2_METHOD'). */
export type TLSMethod = 'SSLv23_METHOD' | 'TLS_METHOD' | 'TLS_SERVER_METHOD' | 'TLSv1_METHOD' | 'TLSv1_1_METHOD' | 'TLSv1_2_METHOD' | 'TLSv1_3_METHOD';

/** True when `name` is one of TLS_METHODS. */
export function isTLSMethod(name: unknown): name is TLSMethod {
  return typeof name === 'string' && TLS_METHODS.includes(name);
}

/** The one-line refusal of an unknown method; `where` names the option ("SSLServer: sslmethod"). */
export function badTLSMethod(where: string, name: unknown): DataError {
  const got = typeof name === 'string' ? `'${name}'` : String(name);
  return new DataError('tacd.net.badSslmethod', `${where} must be one of ${TLS_METHODS.join(', ')}; got ${got}`, { field: 'sslmethod' });
}

/** The tls.createServer options that enforce `method`: min/max version (and the security level for TLS 1.0/1.1). */
export function tlsMethodOptions(method: TLSMethod | undefined): tls.TlsOptions {
  if (method === undefined) return {};
  if (!isTLSMethod(method)) throw badTLSMethod('sslmethod', method);
  const version = FIXED[method];
  if (version === undefined) return {};
  const legacy = version === 'TLSv1' || version === 'TLSv1.1';
  return { minVersion: version, maxVersion: version, ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}) };
}
