// rpm run on a host package inside a container (the env and zero-downtime tests).
import assert from 'node:assert/strict';
import type { Container } from '../../src/verify/container.js';

/** rpm ARGS PKG inside the container (--nodeps: its rpmdb knows no Debian package); a failed scriptlet fails too. */
export async function rpmIn(c: Container, args: readonly string[], hostFile: string): Promise<void> {
  const inside = `/root/pkgs/${hostFile.split('/').pop()}`;
  await c.copyIn(hostFile, inside);
  const r = await c.exec(['rpm', ...args, '--nodeps', inside]);
  assert.equal(r.exitCode, 0, `rpm ${args.join(' ')} ${inside}: ${r.stdout}${r.stderr}`);
  assert.doesNotMatch(r.stdout + r.stderr, /scriptlet failed/);
}
