// The service's working directory: a tac app runs in /usr/lib/NAME/app (its
// run-time files, so process.cwd()-relative reads work as in development),
// a plugin in /var/lib/NAME; the systemd unit and both init scripts agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { normalizeSpec } from '../../src/plan/spec.js';
import { serviceLocals, workingDir } from '../../src/plan/service-locals.js';
import { createRenderer } from '../../src/render/render.js';
import { tempDir } from '../packaging/helpers.js';

function tacSpec() {
  const dir = tempDir('tacd-cwd-');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'notes', version: '1.0.0', description: 'Notes', author: 'Ann Example <ann@example.org>' }));
  return normalizeSpec({ cli: {}, source: { kind: 'tac', file: path.join(dir, 'app.tac.ts') }, cwd: dir, execPath: process.execPath });
}

const pluginSpec = () => normalizeSpec({ cli: {}, source: { kind: 'plugin', plugin: 'echo', args: [] }, cwd: PROJECT_ROOT, execPath: process.execPath, pluginDescription: 'A TCP echo server.' });

test('a tac app works in /usr/lib/NAME/app, a plugin in /var/lib/NAME', () => {
  assert.equal(workingDir(tacSpec()), '/usr/lib/notes/app');
  assert.equal(workingDir(pluginSpec()), '/var/lib/echo');
});

test('the unit, the Debian and the Red Hat init scripts run the tac app in /usr/lib/NAME/app; its state stays in /var/lib/NAME', () => {
  const render = createRenderer();
  const unit = render('systemd/service', serviceLocals(tacSpec(), 'deb'));
  assert.match(unit, /^WorkingDirectory=\/usr\/lib\/notes\/app$/m);
  assert.match(unit, /^StateDirectory=notes$/m);
  const debian = render('initd/debian', serviceLocals(tacSpec(), 'deb'));
  assert.match(debian, /--chdir \/usr\/lib\/notes\/app /);
  assert.match(debian, /--rundir=\/usr\/lib\/notes\/app /);
  assert.match(render('initd/redhat', serviceLocals(tacSpec(), 'rpm')), /--rundir=\/usr\/lib\/notes\/app /);
  assert.match(render('systemd/service', serviceLocals(pluginSpec(), 'deb')), /^WorkingDirectory=\/var\/lib\/echo$/m);
});
