// Twisted's sslmethod names mapped to Node's TLS version bounds; an unknown
// name is a one-line DataError naming the option and every accepted value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../src/core/errors.js';
import { TLS_METHODS, tlsMethodOptions, type TLSMethod } from '../../../src/application/internet/tls-method.js';
import { SSLServer } from '../../../src/application/internet/servers.js';
import { SSL4ServerEndpoint } from '../../../src/application/endpoints/endpoints.js';
import { serverFromString, EndpointError } from '../../../src/application/endpoints/parse.js';
import { echoFactory } from './net-helpers.js';

const ACCEPTED = 'SSLv23_METHOD, TLS_METHOD, TLS_SERVER_METHOD, TLSv1_METHOD, TLSv1_1_METHOD, TLSv1_2_METHOD, TLSv1_3_METHOD';

test('each method maps to Node\'s minVersion/maxVersion; SSLv23_METHOD keeps Node\'s negotiating defaults', () => {
  assert.equal(TLS_METHODS.join(', '), ACCEPTED);
  assert.deepEqual(tlsMethodOptions(undefined), {});
  for (const m of ['SSLv23_METHOD', 'TLS_METHOD', 'TLS_SERVER_METHOD'] as const) assert.deepEqual(tlsMethodOptions(m), {}, m);
  assert.deepEqual(tlsMethodOptions('TLSv1_2_METHOD'), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
  assert.deepEqual(tlsMethodOptions('TLSv1_3_METHOD'), { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
  assert.deepEqual(tlsMethodOptions('TLSv1_1_METHOD'), { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
  assert.deepEqual(tlsMethodOptions('TLSv1_METHOD'), { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
});

test('an unknown sslmethod is refused in the endpoint string, SSLServer\'s options and SSL4ServerEndpoint, naming the option and the accepted values', () => {
  assert.throws(
    () => serverFromString('ssl:8443:privateKey=k.pem:sslmethod=SSLv3_METHOD'),
    (e: unknown) =>
      e instanceof EndpointError &&
      e.code === 'tacd.endpoint.badSslmethod' &&
      e.message === `invalid sslmethod 'SSLv3_METHOD' in endpoint 'ssl:8443:privateKey=k.pem:sslmethod=SSLv3_METHOD': expected one of ${ACCEPTED}`,
  );
  const refused = (where: string) => (e: unknown): boolean =>
    e instanceof DataError && e.code === 'tacd.net.badSslmethod' && e.exitCode === 65 && e.message === `${where}: sslmethod must be one of ${ACCEPTED}; got 'tlsv1_2'`;
  assert.throws(() => new SSLServer(443, echoFactory(), { key: 'K', cert: 'C', sslmethod: 'tlsv1_2' as TLSMethod }), refused('SSLServer'));
  assert.throws(() => new SSL4ServerEndpoint(443, { sslmethod: 'tlsv1_2' as TLSMethod }), refused('SSL4ServerEndpoint'));
});

test('sslmethod= is kept by the parsed endpoint and shown by describe()', () => {
  const ep = serverFromString('ssl:8443:privateKey=k.pem:certKey=c.pem:sslmethod=TLSv1_2_METHOD') as SSL4ServerEndpoint;
  assert.equal(ep.sslmethod, 'TLSv1_2_METHOD');
  assert.equal(ep.describe(), 'ssl:8443:privateKey=k.pem:certKey=c.pem:sslmethod=TLSv1_2_METHOD');
  assert.equal((serverFromString('ssl:8443') as SSL4ServerEndpoint).sslmethod, undefined);
});
