// package.json descriptions as people write them: over 80 characters gives a
// synopsis cut at a word plus the whole text as extended description (a
// warning, not a refusal); a colon never reaches an account comment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cutSynopsis, normalizeSpec } from '../../src/plan/spec.js';
import { gecos } from '../../src/render/escape.js';
import { tempDir } from '../packaging/helpers.js';

const LONG = 'Notes: a small API that hashes passwords, masks websocket frames and serves static files from its public folder. ' + 'It also does more. '.repeat(5);

test('cutSynopsis: at most 80 characters, cut at a word, no dangling punctuation', () => {
  const s = cutSynopsis(LONG);
  assert.ok(s.length <= 80, s);
  assert.equal(s, 'Notes: a small API that hashes passwords, masks websocket frames and serves');
  assert.equal(cutSynopsis('short one'), 'short one');
  assert.equal(cutSynopsis('x'.repeat(200)).length, 80);
});

test('a 200-character package.json description: synopsis cut, whole text extended, one warning', () => {
  const dir = tempDir('tacd-desc-');
  const text = LONG.slice(0, 200);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'notes', version: '1.0.0', description: text, author: 'Ann Example <ann@example.org>' }));
  const spec = normalizeSpec({ cli: {}, source: { kind: 'tac', file: path.join(dir, 'app.tac.ts') }, cwd: dir, execPath: process.execPath });
  assert.equal(spec.summary, cutSynopsis(text));
  assert.equal(spec.description.replace(/\n/g, ' '), text.trim());
  assert.equal(spec.warnings.length, 1);
  assert.match(spec.warnings[0]!, /description is 200 characters, over the 80 of a synopsis/);
});

test('gecos: a colon (refused by adduser and useradd) becomes a dash', () => {
  assert.equal(gecos('Notes: a small API'), 'Notes - a small API');
  assert.equal(gecos('say "hi"'), "say 'hi'");
});

test('gecos: a comma (a GECOS subfield separator, padded by adduser) becomes a semicolon', () => {
  assert.equal(gecos('hashes passwords with a native addon, serves files'), 'hashes passwords with a native addon; serves files');
  assert.equal(gecos('a ,b'), 'a;b');
});
