// src/verify/checks/service.ts: the probe found from a listening socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foundProbe } from '../../../src/verify/checks/service.js';

test('foundProbe: a wildcard probes any loopback; a specific address is kept and shown', () => {
  assert.deepEqual(foundProbe({ port: 7101, host: undefined }), { probe: { kind: 'tcp', port: 7101, text: 'tcp:7101' }, note: ' (found with ss; give --probe to choose)' });
  assert.deepEqual(foundProbe({ port: 80, host: '::1' }), { probe: { kind: 'tcp', port: 80, host: '::1', text: 'tcp:80' }, note: ' (found with ss at [::1]:80; give --probe to choose)' });
  assert.equal(foundProbe({ port: 80, host: '127.0.0.1' }).note, ' (found with ss at 127.0.0.1:80; give --probe to choose)');
});
