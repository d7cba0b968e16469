// pruneSourceMap: third-party segments are dropped, the rest keep their positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneSourceMap } from '../../src/bundle/sourcemap.js';

test('pruning keeps the kept sources\' segments and drops the others', () => {
  // line 0: col 0 -> a.ts 0:0 (name x); col 5 -> nm.js 3:1; col 9 -> a.ts 1:2
  // line 1: col 2 -> nm.js 4:0 (name y); col 7 -> b.ts 0:4 (hand-encoded VLQ)
  const map = { version: 3, sources: ['a.ts', 'node_modules/x/nm.js', 'b.ts'], names: ['x', 'y'], mappings: 'AAAAA,KCGC,IDFC;ECGFC,KCJI' };
  const same = pruneSourceMap(map, () => false);
  assert.deepEqual(same.sources, map.sources);
  assert.equal(same.mappings, map.mappings);
  const pruned = pruneSourceMap(map, (s) => s.includes('node_modules'));
  assert.deepEqual(pruned.sources, ['a.ts', 'b.ts']);
  assert.deepEqual(pruned.names, ['x']);
  // line 0: col 0 -> a.ts 0:0 x; col 5 unmapped; col 9 -> a.ts 1:2. line 1: col 2 unmapped is dropped (line start), col 7 -> b.ts 0:4.
  assert.equal(pruned.mappings, 'AAAAA,K,IACE;OCDE');
});
