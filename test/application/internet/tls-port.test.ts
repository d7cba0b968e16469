// listenSSL's sslmethod (Twisted's ssl:...:sslmethod=, pyOpenSSL's method
// names) enforced over real TLS, through the endpoint string and through
// SSLServer's options: a fixed-version method refuses a client that cannot
// speak that version; SSLv23_METHOD negotiates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { SSLServer } from '../../../src/application/internet/servers.js';
import { serverFromString } from '../../../src/application/endpoints/parse.js';
import type { IListeningPort } from '../../../src/application/interfaces.js';
import { echoFactory, tempDir, tcpPort } from './net-helpers.js';
import { selfSignedCert, tlsOutcome } from './tls-helpers.js';

const ONLY_12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
const ONLY_13 = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } as const;
// A refused handshake: the server has no version in common with the client.
const REFUSED = /^ERR_SSL_(TLSV1_ALERT_PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|WRONG_VERSION_NUMBER)$/;

async function withCert(fn: (files: { key: string; cert: string }, ca: Buffer) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    const files = await selfSignedCert(dir);
    await fn(files, fs.readFileSync(files.cert));
  } finally {
    cleanup();
  }
}

test('ssl:0:…:sslmethod=TLSv1_2_METHOD serves TLS 1.2 only: a TLS 1.3-only client is refused', async () => {
  await withCert(async ({ key, cert }, ca) => {
    const port: IListeningPort = await serverFromString(`ssl:0:interface=127.0.0.1:privateKey=${key}:certKey=${cert}:sslmethod=TLSv1_2_METHOD`).listen(echoFactory());
    try {
      const p = tcpPort(port.getHost());
      assert.match(await tlsOutcome(p, ca, ONLY_13), REFUSED);
      assert.equal(await tlsOutcome(p, ca, {}), 'TLSv1.2', 'a client offering 1.2 and 1.3 gets 1.2');
    } finally {
      await port.stopListening();
    }
  });
});

test('SSLServer({ sslmethod: "TLSv1_3_METHOD" }) and ssl:…:sslmethod=TLSv1_3_METHOD serve TLS 1.3 only: a TLS 1.2-only client is refused', async () => {
  await withCert(async ({ key, cert }, ca) => {
    const server = new SSLServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: key, certKey: cert, sslmethod: 'TLSv1_3_METHOD' });
    await server.startService();
    try {
      const p = tcpPort(server.getHost());
      assert.match(await tlsOutcome(p, ca, ONLY_12), REFUSED);
      assert.equal(await tlsOutcome(p, ca, ONLY_13), 'TLSv1.3');
    } finally {
      await server.stopService();
    }
    const port = await serverFromString(`ssl:0:interface=127.0.0.1:privateKey=${key}:certKey=${cert}:sslmethod=TLSv1_3_METHOD`).listen(echoFactory());
    try {
      assert.match(await tlsOutcome(tcpPort(port.getHost()), ca, ONLY_12), REFUSED);
    } finally {
      await port.stopListening();
    }
  });
});

test('SSLv23_METHOD (and no sslmethod) negotiates: TLS 1.2-only and 1.3-only clients both connect', async () => {
  await withCert(async ({ key, cert }, ca) => {
    for (const method of ['', ':sslmethod=SSLv23_METHOD']) {
      const port = await serverFromString(`ssl:0:interface=127.0.0.1:privateKey=${key}:certKey=${cert}${method}`).listen(echoFactory());
      try {
        const p = tcpPort(port.getHost());
        assert.equal(await tlsOutcome(p, ca, ONLY_12), 'TLSv1.2', method);
        assert.equal(await tlsOutcome(p, ca, ONLY_13), 'TLSv1.3', method);
      } finally {
        await port.stopListening();
      }
    }
  });
});

test('TLSv1_METHOD is TLS 1.0 exactly, as pyOpenSSL\'s: a legacy TLS 1.0 client connects, a TLS 1.2 client is refused', async () => {
  await withCert(async ({ key, cert }, ca) => {
    const server = new SSLServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: key, certKey: cert, sslmethod: 'TLSv1_METHOD' });
    await server.startService();
    try {
      const p = tcpPort(server.getHost());
      // OpenSSL 3 clients refuse TLS 1.0 at their default security level too.
      assert.equal(await tlsOutcome(p, ca, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }), 'TLSv1');
      assert.match(await tlsOutcome(p, ca, ONLY_12), REFUSED);
    } finally {
      await server.stopService();
    }
  });
});
