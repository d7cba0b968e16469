/**
 * The signature header (region 62), written after the lead and zero-padded to
 * a multiple of 8 (rpm lib/signature.c). Digests as rpmbuild 4.18 writes them:
 * SHA1 and SHA256 (hex) of the main header; MD5 (binary) of header + payload;
 * SIZE = header + compressed payload; PAYLOADSIZE = uncompressed cpio length.
 * Sizes of 4 GiB or more use LONGSIZE / LONGARCHIVESIZE instead.
 * With a signer: RSA (268) = OpenPGP signature of the header, PGP (1002) =
 * signature of header + payload.
 */
import { createHash } from 'node:crypto';
import type { Signer } from '../plan.js';
import { HeaderBuilder } from './header.js';
import {
  RPMSIGTAG_LONGARCHIVESIZE,
  RPMSIGTAG_LONGSIZE,
  RPMSIGTAG_MD5,
  RPMSIGTAG_PAYLOADSIZE,
  RPMSIGTAG_PGP,
  RPMSIGTAG_RSA,
  RPMSIGTAG_SHA1,
  RPMSIGTAG_SHA256,
  RPMSIGTAG_SIZE,
  RPMTAG_HEADERSIGNATURES,
} from './tags.js';

export interface SignatureInput {
  readonly header: Uint8Array;
  /** Compressed payload. */
  readonly payload: Uint8Array;
  /** Uncompressed cpio length. */
  readonly archiveSize: number;
  readonly signer?: Signer | undefined;
}

const U32_MAX = 0xffffffff;

/** The encoded signature header including its padding to 8 bytes. */
export async function encodeSignature(s: SignatureInput): Promise<Uint8Array> {
  const h = new HeaderBuilder();
  const size = s.header.length + s.payload.length;
  h.string(RPMSIGTAG_SHA1, createHash('sha1').update(s.header).digest('hex'));
  h.string(RPMSIGTAG_SHA256, createHash('sha256').update(s.header).digest('hex'));
  h.bin(RPMSIGTAG_MD5, new Uint8Array(createHash('md5').update(s.header).update(s.payload).digest()));
  if (size > U32_MAX) h.int64(RPMSIGTAG_LONGSIZE, size);
  else h.int32(RPMSIGTAG_SIZE, size);
  if (s.archiveSize > U32_MAX) h.int64(RPMSIGTAG_LONGARCHIVESIZE, s.archiveSize);
  else h.int32(RPMSIGTAG_PAYLOADSIZE, s.archiveSize);
  if (s.signer) {
    h.bin(RPMSIGTAG_RSA, await s.signer(s.header));
    const both = new Uint8Array(size);
    both.set(s.header, 0);
    both.set(s.payload, s.header.length);
    h.bin(RPMSIGTAG_PGP, await s.signer(both));
  }
  const bytes = h.encode(RPMTAG_HEADERSIGNATURES);
  const pad = (8 - (bytes.length % 8)) % 8;
  if (pad === 0) return bytes;
  const out = new Uint8Array(bytes.length + pad);
  out.set(bytes, 0);
  return out;
}
