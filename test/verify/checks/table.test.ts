// src/verify/checks/table.ts: which checks a run has, in which order, and the
// rules that skip them (a failed check, a package that cannot be read, --keep,
// nothing installed), driven with stand-in checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fail, newContext, type Check, type CheckContext } from '../../../src/verify/checks/check.js';
import { CHECKS, planChecks, runChecks } from '../../../src/verify/checks/table.js';
import type { Container } from '../../../src/verify/container.js';
import { StepRunner } from '../../../src/verify/step-runner.js';
import type { VerifyResult } from '../../../src/verify/verify.js';

const names = (checks: readonly Check[]): string[] => checks.map((c) => c.name);

test('the plan: package, install, the service checks, then the format\'s removal checks; upgrade adds two', () => {
  const service = ['enabled', 'active', 'settle', 'probe', 'reload', 'restart'];
  assert.deepEqual(names(planChecks('deb', false)), ['package', 'install', ...service, 'remove', 'purge']);
  assert.deepEqual(names(planChecks('rpm', false)), ['package', 'install', ...service, 'erase']);
  assert.deepEqual(names(planChecks('deb', true)), ['package', 'install old', 'install', 'upgrade', ...service, 'remove', 'purge']);
  assert.deepEqual(names(planChecks('rpm', true)), ['package', 'install old', 'install', 'upgrade', ...service, 'erase']);
  assert.equal(new Set(names(CHECKS)).size, CHECKS.length, 'check names are unique');
  assert.deepEqual(names(CHECKS.filter((c) => c.removal)), ['remove', 'purge', 'erase']);
});

/** A run over stand-in checks: each records that it ran; `behave` decides what it does. */
function harness(behave: Record<string, (x: CheckContext) => Promise<string>> = {}) {
  const ran: string[] = [];
  const result: VerifyResult = { ok: true, pkg: '/p.deb', format: 'deb', steps: [], totalMs: 0 };
  const c = { name: 'stand-in' } as unknown as Container;
  const x = newContext({ c, format: 'deb', result, inside: '/p.deb', oldInside: undefined, settleMs: 0, probeTimeoutMs: 0, probe: undefined });
  const stub = (name: string): Check['run'] => async (ctx) => {
    ran.push(name);
    return behave[name] ? behave[name]!(ctx) : `${name} ok`;
  };
  const plan = planChecks('deb', false).map((row) => ({ ...row, run: stub(row.name) }));
  const steps = new StepRunner(result, () => undefined, undefined);
  const table = () => result.steps.map((s) => `${s.skipped ? 'SKIP' : s.ok ? 'PASS' : 'FAIL'} ${s.name}: ${s.detail}`);
  return { ran, result, x, plan, steps, table };
}

const installs = async (x: CheckContext): Promise<string> => {
  x.installed = true;
  return 'installed';
};
const readable = async (x: CheckContext): Promise<string> => {
  x.info = { name: 'p', version: '1', unit: 'p.service', conffiles: [], files: [], ownDirs: [] };
  x.unit = 'p.service';
  return 'read';
};

test('every check runs in order when all pass', async () => {
  const h = harness({ package: readable, install: installs });
  await runChecks(h.x, h.steps, h.plan);
  assert.deepEqual(h.ran, names(h.plan));
  assert.equal(h.result.ok, true);
});

test('a failed service check skips the later ones; the removal checks still run once installed', async () => {
  const h = harness({ package: readable, install: installs, settle: async () => fail('restarted') });
  await runChecks(h.x, h.steps, h.plan);
  assert.deepEqual(h.ran, ['package', 'install', 'enabled', 'active', 'settle', 'remove', 'purge']);
  assert.deepEqual(h.table().slice(4, 8), ['FAIL settle: restarted', 'SKIP probe: skipped: an earlier check failed', 'SKIP reload: skipped: an earlier check failed', 'SKIP restart: skipped: an earlier check failed']);
});

test('a package without a unit: everything after it skipped, removal "not installed"', async () => {
  const h = harness({ package: async (x) => (await readable(x), fail('p ships no systemd service unit')) });
  await runChecks(h.x, h.steps, h.plan);
  assert.deepEqual(h.ran, ['package']);
  assert.deepEqual(h.table().slice(-2), ['SKIP remove: skipped: the package was not installed', 'SKIP purge: skipped: the package was not installed']);
});

test('a package that cannot be read at all ends the run after "package"', async () => {
  const h = harness({ package: async () => fail('not a readable .deb: x') });
  await runChecks(h.x, h.steps, h.plan);
  assert.deepEqual(h.table(), ['FAIL package: not a readable .deb: x']);
});

test('--keep: the callback gets the container after the service checks; the removal checks are skipped', async () => {
  const h = harness({ package: readable, install: installs });
  let keptWith: Container | undefined;
  await runChecks(h.x, h.steps, h.plan, { keep: async (c) => void (keptWith = c) });
  assert.equal(keptWith, h.x.c);
  assert.deepEqual(h.ran, names(h.plan).slice(0, -2));
  assert.deepEqual(h.table().slice(-2), ['SKIP remove: skipped: --keep', 'SKIP purge: skipped: --keep']);
});

test('--keep after an abort: interrupted, the callback is not called', async () => {
  const h = harness({ package: readable, install: installs });
  const a = new AbortController();
  a.abort('SIGINT');
  let called = false;
  await assert.rejects(runChecks(h.x, h.steps, h.plan.filter((c) => c.removal), { keep: async () => void (called = true), signal: a.signal }), /interrupted by SIGINT/);
  assert.equal(called, false);
});
