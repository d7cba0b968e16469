// SSLServer/TLSServer over real TLS with openssl-made certificates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SSLServer, TLSServer } from '../../../src/application/internet/servers.js';
import { echoFactory, tempDir, tcpPort } from './net-helpers.js';
import { selfSignedCert, tlsRoundTrip } from './tls-helpers.js';

test('SSLServer/TLSServer serve TLS with a key file and a cert file, or one combined PEM (certKey defaults to privateKey)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { key, cert, combined } = await selfSignedCert(dir);
    const ca = fs.readFileSync(cert);
    const a = new SSLServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: key, certKey: cert });
    await a.startService();
    assert.equal(await tlsRoundTrip(tcpPort(a.getHost()), ca, 'over tls'), 'over tls');
    await a.stopService();
    assert.equal(TLSServer, SSLServer);
    const b = new TLSServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: combined });
    await b.startService();
    assert.equal(await tlsRoundTrip(tcpPort(b.getHost()), ca, 'combined pem'), 'combined pem');
    await b.stopService();
    const missing = new SSLServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: path.join(dir, 'nope.pem') });
    await assert.rejects(Promise.resolve(missing.startService()), /cannot listen on ssl 127\.0\.0\.1:0: cannot read TLS private key '.*nope\.pem': no such file or directory/);
  } finally {
    cleanup();
  }
});
