import assert from 'node:assert/strict';
import { TimelineBuilder } from '../../../src/core/profile/timeline';

describe('timeline builder', () => {
  it('groups by lane and sorts by start within a lane; starts relative to the origin', () => {
    const b = new TimelineBuilder(100);
    const a = b.laneIndex('a', 'A', 'engine'), c = b.laneIndex('c', 'C', 'dma');
    b.add(c, 1050, 5, b.nameId('x'));
    b.add(a, 1030, 5, b.nameId('y'));
    b.add(a, 1010, 5, b.nameId('z'));
    b.add(c, 1000, 5, b.nameId('x'));
    const t = b.finish(1000)!;
    assert.deepEqual([...t.lane], [0, 0, 1, 1]);
    assert.deepEqual([...t.start], [10, 30, 0, 50]);
    assert.deepEqual(t.nameIndex.length, 4);
    assert.equal(t.names[t.nameIndex[0]], 'z');
    assert.equal(t.totalEvents, 4);
  });
  it('caps with a uniform sample and keeps the true total', () => {
    const b = new TimelineBuilder(1000);
    const l0 = b.laneIndex('0', '0', 'engine');
    const n = b.nameId('op');
    for (let i = 0; i < 100_000; i++) b.add(l0, i, 1, n);
    const t = b.finish(0)!;
    assert.equal(t.start.length, 1000);
    assert.equal(t.totalEvents, 100_000);
    for (let i = 1; i < t.start.length; i++) assert.ok(t.start[i] >= t.start[i - 1]);
    // uniform: roughly a tenth of the sample in each tenth of the range
    const bins = new Array(10).fill(0);
    for (const s of t.start) bins[Math.floor(s / 10_000)]++;
    for (const x of bins) assert.ok(x > 50 && x < 150, `bin ${x}`);
  });
  it('sorts large unsorted lanes (radix path) and huge ranges (comparator path) into a permutation', () => {
    for (const spread of [1e6, 1e13]) {
      const b = new TimelineBuilder(100_000);
      const l = [b.laneIndex('a', 'a', 'dma'), b.laneIndex('b', 'b', 'dma')];
      const n = b.nameId('x');
      let seed = 7;
      const starts: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const s = Math.floor((seed / 2147483648) * spread);
        starts.push(s);
        b.add(l[i % 2], s, i, n);
      }
      const t = b.finish(0)!;
      assert.equal(t.start.length, 20_000);
      for (let i = 1; i < t.start.length; i++) if (t.lane[i] === t.lane[i - 1]) assert.ok(t.start[i] >= t.start[i - 1]);
      assert.deepEqual([...t.start].sort((x, y) => x - y), [...starts].sort((x, y) => x - y));
      // durations travel with their events (duration i was added with start starts[i])
      for (let k = 0; k < 200; k++) assert.equal(t.start[k], starts[t.duration[k]]);
    }
  });

  it('empty → null', () => {
    assert.equal(new TimelineBuilder().finish(), null);
  });
});
