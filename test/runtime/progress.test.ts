import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressSink } from '../../src/runtime/progress.js';

function stream(isTTY: boolean): { write(s: string): boolean; isTTY: boolean; text: string } {
  return { isTTY, text: '', write(s: string) { this.text += s; return true; } };
}

test('in CI (or a pipe) a download is one line per step, no byte counts', () => {
  const out = stream(true);
  const p = progressSink(out, 'ts2deb', { CI: 'true' });
  p.step('downloading x');
  p.bytes(10, 100);
  p.done();
  p.step('checked');
  assert.equal(out.text, 'ts2deb: downloading x\nts2deb: checked\n');
});

test('on a terminal the byte count is one line rewritten in place, cleared at the end', () => {
  const out = stream(true);
  const p = progressSink(out, 'ts2deb', {});
  p.bytes(1048576, 4 * 1048576);
  p.done();
  assert.equal(out.text, '\rts2deb: 1.0/4.0 MB (25%)\u001b[K\r\u001b[K');
});
