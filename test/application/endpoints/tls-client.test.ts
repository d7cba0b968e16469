// TLS client endpoints (tls:HOST:PORT and ssl:host=…:port=…) against a real
// SSLServer with an openssl-made certificate: the certificate and the host
// name are always verified, trust roots come from a file or a directory, and
// ClientService connects through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Protocol, Factory } from '../../../src/application/protocol.js';
import type { Address, IProtocol } from '../../../src/application/interfaces.js';
import { SSLServer } from '../../../src/application/internet/servers.js';
import { ConnectError } from '../../../src/application/internet/errors.js';
import { clientFromString, EndpointError } from '../../../src/application/endpoints/parse.js';
import { TLSClientEndpoint } from '../../../src/application/endpoints/endpoints.js';
import { ClientService } from '../../../src/application/client-service.js';
import { run } from '../../../src/core/exec.js';
import { echoFactory, tempDir } from '../internet/net-helpers.js';

/** Collects what the server echoes; `said(n)` resolves once n bytes came back. */
class Collect extends Protocol {
  got = '';
  private waiters: Array<{ n: number; resolve: (s: string) => void }> = [];
  override dataReceived(data: Buffer): void {
    this.got += data.toString();
    this.waiters = this.waiters.filter((w) => (this.got.length >= w.n ? (w.resolve(this.got), false) : true));
  }
  said(n: number): Promise<string> {
    return new Promise((resolve) => (this.got.length >= n ? resolve(this.got) : this.waiters.push({ n, resolve })));
  }
}

function portOf(a: Address | null): number {
  assert.ok(a && a.type !== 'UNIX');
  return a.port;
}

async function withServer(fn: (port: number, certFile: string, dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    // Names only localhost: a client asking for 127.0.0.1 must be refused.
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', '1', '-keyout', key, '-out', cert]);
    const server = new SSLServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: key, certKey: cert });
    await server.startService();
    try {
      await fn(portOf(server.getHost()), cert, dir);
    } finally {
      await server.stopService();
    }
  } finally {
    cleanup();
  }
}

test('tls:localhost:PORT:trustRoots=CERT connects, verifies and echoes; the protocol sees a TLS peer', async () => {
  await withServer(async (port, cert) => {
    const ep = clientFromString(`tls:localhost:${port}:trustRoots=${cert}:timeout=5`);
    assert.ok(ep instanceof TLSClientEndpoint);
    assert.equal((ep as TLSClientEndpoint).timeout, 5);
    assert.equal((ep as TLSClientEndpoint).describe(), `tls:localhost:${port}`);
    const p = (await ep.connect(Factory.forProtocol(Collect))) as Collect;
    p.transport!.write('over tls');
    assert.equal(await p.said(8), 'over tls');
    assert.equal(portOf(p.transport!.getPeer()), port);
    p.transport!.loseConnection();
  });
});

test('the certificate is always verified: an unknown CA and a host name the certificate does not carry are refused', async () => {
  await withServer(async (port, cert) => {
    // No trustRoots: Node's bundled roots do not know this self-signed certificate.
    await assert.rejects(
      Promise.resolve(clientFromString(`tls:localhost:${port}`).connect(echoFactory())),
      (e: unknown) => e instanceof ConnectError && /self[- ]signed certificate/.test(e.message),
    );
    // Trusted, but issued for localhost only.
    await assert.rejects(
      Promise.resolve(clientFromString(`tls:127.0.0.1:${port}:trustRoots=${cert}`).connect(echoFactory())),
      (e: unknown) => e instanceof ConnectError && /does not match certificate's altnames/.test(e.message),
    );
  });
});

test('ssl:host=…:port=…:caCertsDir=DIR (Twisted\'s client ssl:) reads every .pem/.crt in the directory; ClientService connects through it', async () => {
  await withServer(async (port, cert, dir) => {
    const roots = path.join(dir, 'roots');
    fs.mkdirSync(roots);
    fs.copyFileSync(cert, path.join(roots, 'ours.crt'));
    const cs = new ClientService(clientFromString(`ssl:host=localhost:port=${port}:caCertsDir=${roots}`), Factory.forProtocol(Collect));
    cs.startService();
    try {
      const p = (await cs.whenConnected()) as IProtocol as Collect;
      p.transport!.write('through ClientService');
      assert.equal(await p.said(21), 'through ClientService');
    } finally {
      await cs.stopService();
    }
  });
});

test('TLS client descriptions that cannot work are EndpointErrors naming the parameter', () => {
  const { dir, cleanup } = tempDir();
  try {
    const bad = (d: string, re: RegExp): void => assert.throws(() => clientFromString(d), (e: unknown) => e instanceof EndpointError && re.test(e.message), d);
    bad(`tls:localhost:443:trustRoots=${path.join(dir, 'nope.pem')}`, /cannot read trustRoots '.*nope\.pem' in endpoint/);
    bad(`ssl:host=localhost:port=443:caCertsDir=${dir}`, /cannot read caCertsDir '.*': no \.pem or \.crt file in this directory/);
    bad('tls:localhost:443:endpoint=tcp\\:localhost\\:443', /endpoint= \(TLS over another endpoint\) is not supported/);
    bad('tls:localhost:443:privateKey=/k.pem', /privateKey without certificate/);
    bad('tls:localhost', /missing port in endpoint 'tls:localhost': expected tls:HOST:PORT/);
    bad('tls:localhost:443:verify=no', /unknown parameter 'verify'/);
  } finally {
    cleanup();
  }
});
