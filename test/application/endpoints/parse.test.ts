// Endpoint description strings: checklist items 45-48 of twisted-runtime.md §5
// (tE = twisted/internet/test/test_endpoints.py), the tokenizer, the error
// texts, and real listens/connects through the parsed endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import {
  serverFromString,
  clientFromString,
  parseDescription,
  quoteStringArgument,
  registerServerEndpointParser,
  EndpointError,
} from '../../../src/application/endpoints/parse.js';
import {
  TCP4ServerEndpoint,
  TCP6ServerEndpoint,
  UNIXServerEndpoint,
  SSL4ServerEndpoint,
  AdoptedStreamServerEndpoint,
  TCP4ClientEndpoint,
  UNIXClientEndpoint,
} from '../../../src/application/endpoints/endpoints.js';
import { ListenFDs } from '../../../src/application/endpoints/listen-fds.js';
import { DataError } from '../../../src/core/errors.js';
import { Factory, Protocol } from '../../../src/application/protocol.js';
import { ConnectError, CancelledError } from '../../../src/application/internet/errors.js';
import { echoFactory, roundTrip, tempDir } from '../internet/net-helpers.js';

function rejectsWith(fn: () => unknown, message: string | RegExp, code?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof EndpointError, `expected an EndpointError, got ${String(e)}`);
    assert.ok(e instanceof DataError);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    assert.ok(!e.message.includes('\n'), 'one line');
    if (code !== undefined) assert.equal(e.code, code);
    return true;
  });
}

test('tokenizer: positional args, key=value, backslash escapes, first = splits (tE ParserTests)', () => {
  const p = parseDescription('hello:world:test=abc');
  assert.deepEqual(p.args, ['hello', 'world']);
  assert.deepEqual([...p.kwargs], [['test', 'abc']]);
  assert.deepEqual(parseDescription('a:b\\:c').args, ['a', 'b:c']);
  assert.deepEqual([...parseDescription('a:k=v=w').kwargs], [['k', 'v=w']]);
  assert.deepEqual([...parseDescription('a:k\\=x=y').kwargs], [['k=x', 'y']]);
  assert.deepEqual(parseDescription('a:\\\\').args, ['a', '\\']);
  assert.deepEqual(parseDescription('').args, ['']);
  assert.deepEqual(parseDescription('a::b').args, ['a', '', 'b']);
});

test('quoteStringArgument escapes backslash and colon, and round-trips through the parser', () => {
  const raw = 'C:\\path:with:colons';
  assert.equal(quoteStringArgument(raw), 'C\\:\\\\path\\:with\\:colons');
  const ep = serverFromString(`unix:${quoteStringArgument(raw)}`) as UNIXServerEndpoint;
  assert.equal(ep.address, raw);
});

test('item 45: tcp:1234:backlog=12:interface=10.0.0.1 is parsed; defaults are backlog 511 (Node\'s, not Twisted\'s 50) and interface "" (tE test_tcp)', () => {
  const ep = serverFromString('tcp:1234:backlog=12:interface=10.0.0.1');
  assert.ok(ep instanceof TCP4ServerEndpoint);
  assert.equal(ep.port, 1234);
  assert.equal(ep.backlog, 12);
  assert.equal(ep.interface, '10.0.0.1');
  const d = serverFromString('tcp:80') as TCP4ServerEndpoint;
  assert.equal(d.backlog, 511);
  assert.equal(d.interface, '');
  assert.equal(d.describe(), 'tcp:80');
  const pos = serverFromString('tcp:80:127.0.0.1') as TCP4ServerEndpoint;
  assert.equal(pos.interface, '127.0.0.1', 'interface may be positional');
  const six = serverFromString('tcp6:8080');
  assert.ok(six instanceof TCP6ServerEndpoint);
  assert.equal(six.interface, '::');
  assert.equal(six.backlog, 511);
  assert.equal((serverFromString('tcp6:8080:interface=\\:\\:1') as TCP6ServerEndpoint).interface, '::1');
});

test('item 46: unix:/p defaults to mode 0o666, backlog 511, lockfile true; mode is octal; lockfile=0; escapes; = inside a value is literal', () => {
  const ep = serverFromString('unix:/var/run/finger');
  assert.ok(ep instanceof UNIXServerEndpoint);
  assert.equal(ep.address, '/var/run/finger');
  assert.equal(ep.mode, 0o666);
  assert.equal(ep.backlog, 511);
  assert.equal(ep.wantPID, true);
  assert.equal((serverFromString('unix:/var/run/finger:mode=0660') as UNIXServerEndpoint).mode, 0o660);
  assert.equal((serverFromString('unix:/var/run/finger:mode=660') as UNIXServerEndpoint).mode, 0o660);
  assert.equal((serverFromString('unix:/var/run/finger:lockfile=0') as UNIXServerEndpoint).wantPID, false);
  assert.equal((serverFromString('unix:/var/run/finger:lockfile=1') as UNIXServerEndpoint).wantPID, true);
  assert.equal((serverFromString('unix:/var/run/finger:backlog=7') as UNIXServerEndpoint).backlog, 7);
  assert.equal((serverFromString('unix:foo\\:bar\\=baz\\:qux\\\\') as UNIXServerEndpoint).address, 'foo:bar=baz:qux\\', 'tE test_escape');
  assert.equal((serverFromString('unix:address=foo=bar') as UNIXServerEndpoint).address, 'foo=bar', 'tE test_impliedEscape');
  rejectsWith(() => serverFromString('unix:/p:mode=9'), "invalid mode '9' in endpoint 'unix:/p:mode=9': expected octal permission bits such as 666 or 0660", 'tacd.endpoint.badMode');
});

test('ssl: the certificate defaults to the key file; privateKey defaults to server.pem', () => {
  const ep = serverFromString('ssl:443:privateKey=/etc/k.pem');
  assert.ok(ep instanceof SSL4ServerEndpoint);
  assert.equal(ep.port, 443);
  assert.equal(ep.privateKey, '/etc/k.pem');
  assert.equal(ep.certKey, '/etc/k.pem');
  const both = serverFromString('ssl:443:privateKey=k.pem:certKey=c.pem:interface=127.0.0.1') as SSL4ServerEndpoint;
  assert.equal(both.certKey, 'c.pem');
  assert.equal(both.interface, '127.0.0.1');
  assert.equal((serverFromString('ssl:443') as SSL4ServerEndpoint).privateKey, 'server.pem');
});

test('item 47: an unknown prefix is "Unknown endpoint type: \'ftl\'" (case-insensitive prefix match)', () => {
  rejectsWith(() => serverFromString('ftl:andromeda/carcosa/hali/2387'), "Unknown endpoint type: 'ftl'", 'tacd.endpoint.unknownType');
  rejectsWith(() => serverFromString('FTL:1'), "Unknown endpoint type: 'ftl'");
  rejectsWith(() => clientFromString('ftl:1'), "Unknown endpoint type: 'ftl'");
  assert.ok(serverFromString('TCP:80') instanceof TCP4ServerEndpoint);
  assert.ok(serverFromString('Unix:/x') instanceof UNIXServerEndpoint);
});

test('a registered endpoint type (plugin) is found by its prefix', () => {
  registerServerEndpointParser('Fake', (parsed) => new TCP4ServerEndpoint(Number(parsed.args[1])));
  assert.equal((serverFromString('fake:99') as TCP4ServerEndpoint).port, 99);
});

test('malformed ports and parameters give one-line errors naming the input', () => {
  rejectsWith(() => serverFromString('tcp:abc'), "invalid port 'abc' in endpoint 'tcp:abc': expected 0-65535", 'tacd.endpoint.badPort');
  rejectsWith(() => serverFromString('tcp:70000'), "invalid port '70000' in endpoint 'tcp:70000': expected 0-65535");
  rejectsWith(() => serverFromString('tcp:-1'), "invalid port '-1' in endpoint 'tcp:-1': expected 0-65535");
  rejectsWith(() => serverFromString('tcp'), "missing port in endpoint 'tcp': expected tcp:PORT[:interface=ADDRESS][:backlog=N]", 'tacd.endpoint.missingParameter');
  rejectsWith(() => serverFromString('tcp:80:backlog=x'), "invalid backlog 'x' in endpoint 'tcp:80:backlog=x': expected a positive integer", 'tacd.endpoint.badBacklog');
  rejectsWith(() => serverFromString('tcp:80:color=red'), "unknown parameter 'color' in endpoint 'tcp:80:color=red': tcp takes port, interface, backlog", 'tacd.endpoint.unknownParameter');
  rejectsWith(() => serverFromString('tcp:80:a:b:c'), /^too many arguments in endpoint 'tcp:80:a:b:c'/);
  rejectsWith(() => serverFromString('unix:/p\\'), /ends with an unescaped backslash/);
  rejectsWith(() => clientFromString('tcp:host=h:port=x'), "invalid port 'x' in endpoint 'tcp:host=h:port=x': expected 0-65535");
});

test('item 48: systemd:domain=...:index=N or :name=X selects the inherited descriptor; both or neither throws', () => {
  const listenFDs = new ListenFDs([3, 4, 5], ['http', 'https', 'admin']);
  const byIndex = serverFromString('systemd:domain=INET:index=1', { listenFDs });
  assert.ok(byIndex instanceof AdoptedStreamServerEndpoint);
  assert.equal(byIndex.fileno, 4);
  assert.equal(byIndex.domain, 'INET');
  assert.equal(byIndex.describe(), 'systemd:domain=INET:index=1');
  const byName = serverFromString('systemd:domain=UNIX:name=admin', { listenFDs }) as AdoptedStreamServerEndpoint;
  assert.equal(byName.fileno, 5);
  assert.equal(byName.domain, 'UNIX');
  assert.equal((serverFromString('systemd:domain=INET6:index=0', { listenFDs }) as AdoptedStreamServerEndpoint).domain, 'INET6');
  rejectsWith(() => serverFromString('systemd:domain=INET:index=0:name=http', { listenFDs }), 'Specify exactly one of descriptor index or name', 'tacd.endpoint.systemdIndexOrName');
  rejectsWith(() => serverFromString('systemd:domain=INET', { listenFDs }), 'Specify exactly one of descriptor index or name');
  rejectsWith(() => serverFromString('systemd:domain=INET:index=3', { listenFDs }), "no inherited socket at index 3 for endpoint 'systemd:domain=INET:index=3': systemd passed 3", 'tacd.endpoint.noInheritedSocket');
  rejectsWith(() => serverFromString('systemd:domain=INET:name=web', { listenFDs }), "no inherited socket named 'web' for endpoint 'systemd:domain=INET:name=web': systemd passed 'http', 'https', 'admin'");
  rejectsWith(() => serverFromString('systemd:domain=INET:name=web', { listenFDs: new ListenFDs() }), /the process was not socket-activated/);
  rejectsWith(() => serverFromString('systemd:domain=AX25:index=0', { listenFDs }), "invalid domain 'AX25' in endpoint 'systemd:domain=AX25:index=0': expected INET, INET6 or UNIX", 'tacd.endpoint.badDomain');
});

test('clientFromString: tcp:host=H:port=P[:timeout=], tcp:H:P, unix:path=P[:lockfile=]', () => {
  const a = clientFromString('tcp:host=example.com:port=1234:timeout=7:bindAddress=10.0.0.2');
  assert.ok(a instanceof TCP4ClientEndpoint);
  assert.equal(a.host, 'example.com');
  assert.equal(a.port, 1234);
  assert.equal(a.timeout, 7);
  assert.equal(a.bindAddress, '10.0.0.2');
  const b = clientFromString('tcp:example.com:80') as TCP4ClientEndpoint;
  assert.deepEqual([b.host, b.port, b.timeout], ['example.com', 80, 30]);
  const c = clientFromString('tcp:example.com:port=81') as TCP4ClientEndpoint;
  assert.deepEqual([c.host, c.port], ['example.com', 81]);
  const u = clientFromString('unix:path=/var/foo/bar:lockfile=1:timeout=9');
  assert.ok(u instanceof UNIXClientEndpoint);
  assert.deepEqual([u.path, u.checkPID, u.timeout], ['/var/foo/bar', true, 9]);
  assert.equal((clientFromString('unix:/var/foo/bar') as UNIXClientEndpoint).checkPID, false);
  assert.equal(u.describe(), 'unix:path=/var/foo/bar');
});

test('parsed tcp: and unix: server endpoints listen for real; the client endpoint connects and resolves with the protocol', async () => {
  const port = await serverFromString('tcp:0:interface=127.0.0.1').listen(echoFactory());
  const host = port.getHost();
  assert.equal(host.type, 'TCP');
  const portNo = host.type === 'TCP' ? host.port : 0;
  assert.equal(await roundTrip({ port: portNo, host: '127.0.0.1' }, 'via endpoint'), 'via endpoint');

  let received = '';
  class Client extends Protocol {
    override connectionMade(): void {
      this.transport!.write('client says hi');
    }
    override dataReceived(d: Buffer): void {
      received += d.toString();
    }
  }
  const proto = await clientFromString(`tcp:127.0.0.1:${portNo}`).connect(Factory.forProtocol(Client));
  assert.ok(proto instanceof Client);
  assert.ok(proto.connected);
  while (received.length < 14) await new Promise((r) => setTimeout(r, 5));
  assert.equal(received, 'client says hi');
  proto.transport!.loseConnection();
  await port.stopListening();

  await assert.rejects(clientFromString(`tcp:127.0.0.1:${portNo}`).connect(Factory.forProtocol(Client)), (e: unknown) => {
    assert.ok(e instanceof ConnectError);
    assert.equal(e.message, `cannot connect to tcp 127.0.0.1:${portNo}: connection refused`);
    return true;
  });

  const { dir, cleanup } = tempDir();
  try {
    const sock = path.join(dir, 'ep.sock');
    const up = await serverFromString(`unix:${sock}:mode=600`).listen(echoFactory());
    assert.equal(await roundTrip({ path: sock }, 'unix endpoint'), 'unix endpoint');
    const viaClient = await clientFromString(`unix:path=${sock}:lockfile=1`).connect(Factory.forProtocol(Protocol));
    viaClient.transport!.loseConnection();
    await up.stopListening();
    await assert.rejects(clientFromString(`unix:path=${sock}:lockfile=1`).connect(Factory.forProtocol(Protocol)), /is not held by a live process/);
  } finally {
    cleanup();
  }
});

test('cancelling a client connect aborts the attempt and rejects with CancelledError', async () => {
  // Cancel synchronously, before the TCP handshake can complete.
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const pending = clientFromString(`tcp:127.0.0.1:${port}`).connect(Factory.forProtocol(Protocol));
  pending.cancel();
  await assert.rejects(pending, (e: unknown) => {
    assert.ok(e instanceof CancelledError);
    assert.equal(e.message, `connection to tcp:host=127.0.0.1:port=${port} was cancelled`);
    return true;
  });
  await new Promise<void>((r) => server.close(() => r()));
});
