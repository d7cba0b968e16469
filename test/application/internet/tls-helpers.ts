// Certificates made with openssl for the TLS tests, and a TLS round trip.
import tls from 'node:tls';
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../../../src/core/exec.js';

/** A self-signed certificate for localhost: key file, cert file and both in one PEM. */
export async function selfSignedCert(dir: string): Promise<{ key: string; cert: string; combined: string }> {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert]);
  const combined = path.join(dir, 'server.pem');
  fs.writeFileSync(combined, fs.readFileSync(key, 'utf8') + fs.readFileSync(cert, 'utf8'));
  return { key, cert, combined };
}

/** Connects with TLS to 127.0.0.1:port (trusting `ca`, checking the name localhost), writes, resolves with the echo. */
export function tlsRoundTrip(port: number, ca: Buffer, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca }, () => s.write(payload));
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      if (got.length >= payload.length) {
        s.end();
        resolve(got);
      }
    });
    s.on('error', reject);
  });
}

/** What a TLS client limited to `versions` gets from 127.0.0.1:port: the negotiated version ('TLSv1.2') or the error code. */
export function tlsOutcome(port: number, ca: Buffer, versions: Pick<tls.ConnectionOptions, 'minVersion' | 'maxVersion' | 'ciphers'>): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca, ...versions }, () => {
      resolve(s.getProtocol() ?? 'unknown');
      s.destroy();
    });
    s.setTimeout(5000, () => s.destroy(new Error('TLS handshake timed out')));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** A CA (ca.pem) and a server certificate it signed for DNS:localhost (server-key.pem, server-cert.pem). */
export async function caSignedCert(dir: string, name = 'ca'): Promise<{ ca: string; key: string; cert: string }> {
  const f = (n: string): string => path.join(dir, `${name}-${n}`);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=tacd test ${name}`, '-days', '1', '-keyout', f('key.pem'), '-out', f('ca.pem')]);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', f('server-key.pem'), '-out', f('server.csr')]);
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost\n');
  await run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('key.pem'), '-CAcreateserial', '-days', '1', '-extfile', f('ext.cnf'), '-out', f('server-cert.pem')]);
  return { ca: f('ca.pem'), key: f('server-key.pem'), cert: f('server-cert.pem') };
}
