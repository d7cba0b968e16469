// src/verify/package-info.ts: reading dpkg-deb's and rpm's listings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnit, parseDebListing, parseRpmListing } from '../../src/verify/package-info.js';

test('parseDebListing: tar -tv lines split into dirs and files, "./" dropped, symlink targets cut', () => {
  const text = [
    'drwxr-xr-x root/root         0 2024-01-01 00:00 ./',
    'drwxr-xr-x root/root         0 2024-01-01 00:00 ./usr/lib/echo/',
    '-rw-r--r-- root/root       120 2024-01-01 00:00 ./lib/systemd/system/echo.service',
    'lrwxrwxrwx root/root         0 2024-01-01 00:00 ./usr/bin/echo-cli -> ../lib/echo/cli.js',
    '',
  ].join('\n');
  assert.deepEqual(parseDebListing(text), { dirs: ['/usr/lib/echo'], files: ['/lib/systemd/system/echo.service', '/usr/bin/echo-cli'] });
});

test('parseRpmListing: "perms path" lines split into dirs and files', () => {
  assert.deepEqual(parseRpmListing('drwxr-xr-x /usr/lib/echo\n-rw-r--r-- /usr/lib/systemd/system/echo.service\n\n(contains no files)\n'), {
    dirs: ['/usr/lib/echo'],
    files: ['/usr/lib/systemd/system/echo.service'],
  });
});

test('findUnit: the first system .service, never a template or a user unit', () => {
  assert.equal(findUnit(['/lib/systemd/system/a@.service', '/usr/lib/systemd/user/u.service', '/usr/lib/systemd/system/b.service', '/lib/systemd/system/c.service']), 'b.service');
  assert.equal(findUnit(['/lib/systemd/system/x.socket']), undefined);
});
