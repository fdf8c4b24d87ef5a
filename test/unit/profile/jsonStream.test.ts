import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createNonFiniteTransform, nonFiniteToNull, streamJsonFile } from '../../../src/core/profile/jsonStream';
import { tempDir } from './helpers';
// stream-json (CommonJS): used here to show the NaN transform works in front of a standard streaming parser.
import { parser } from 'stream-json';
import StreamArray from 'stream-json/streamers/StreamArray';

describe('streaming JSON reader', () => {
  let t: ReturnType<typeof tempDir>;
  before(() => { t = tempDir(); });
  after(() => t.cleanup());

  const doc = {
    metadata: { a: 'x{y}[z]"q"', 'k\\"ey': [1, { b: null }] },
    instruction: [
      { s: 'brace } in string ] and \\ backslash \\" quote', n: 1 },
      { s: 'ünïcødé ✓ 𝄞', n: 2.5e-3, arr: [[1, 2], [3]] },
      [1, 2, 3],
      'a string element',
      42,
      null,
      { deep: { deeper: { deepest: [{ x: '}}}' }] } } },
    ],
    empty: [],
    num: -1.5e10,
    str: 'top',
    flag: true,
  };
  const text = JSON.stringify(doc, null, 1);

  for (const hw of [1, 2, 3, 7, 64, 1 << 16]) {
    it(`matches JSON.parse with ${hw}-byte chunks`, async () => {
      const p = join(t.dir, `d${hw}.json`);
      writeFileSync(p, `log line before\n${text}`);
      const items: Record<string, unknown[]> = {};
      const values: Record<string, unknown> = {};
      const r = await streamJsonFile(p, {
        onArrayItem: (k, v) => { (items[k] ??= []).push(v); },
        onValue: (k, v) => { values[k] = v; },
      }, { highWaterMark: hw });
      assert.equal(r.truncated, false);
      assert.equal(r.parseErrors, 0, r.errors.join('; '));
      assert.equal(r.leadingBytes, 'log line before\n'.length);
      assert.deepEqual(items.instruction, doc.instruction);
      assert.equal(items.empty, undefined);
      assert.deepEqual(values, { metadata: doc.metadata, num: doc.num, str: doc.str, flag: true });
    });
  }

  it('projection: only the wanted fields, identical to JSON.parse + pick, for any chunking', async () => {
    const recs = [
      { ts: 10261883214, dur: 148, op: 'MATMUL', skip: 'x'.repeat(50), nested: { a: [1, { b: '}' }] }, hlo: '%add.1 = add(%dot, %c.44)' },
      { ts: -1.5e-7, op: 'esc \\ "q" \u00e9 ✓', nested: [[1], [2]], dur: 0, hlo: null },
      { 'we"ird': 1, ts: 5, op: 'fallback for escaped key' },
      { ts: 7, dur: true, op: false, extra: 1e300 },
      { },
    ];
    const wanted = ['ts', 'dur', 'op', 'nested', 'hlo'];
    const pick = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => wanted.includes(k)));
    const p = join(t.dir, 'proj.json');
    writeFileSync(p, JSON.stringify({ a: recs, b: [1, 'two', [3]] }, null, 2));
    for (const hw of [1, 3, 17, 4096]) {
      const got: Record<string, unknown[]> = {};
      const r = await streamJsonFile(p, { onArrayStart: () => wanted, onArrayItem: (k, v) => { (got[k] ??= []).push(v); } }, { highWaterMark: hw });
      assert.equal(r.parseErrors, 0);
      assert.deepEqual(got.a.map((x) => pick(x as Record<string, unknown>)), recs.map(pick), `chunk ${hw}`);
      assert.deepEqual(got.b, [1, 'two', [3]]);
    }
    const q = join(t.dir, 'projnan.json');
    writeFileSync(q, '{"a": [{"ts": NaN, "dur": 5, "nested": [Infinity]}, {"ts": 1, "bad": tru}, {"ts": 2}]}');
    const got: unknown[] = [];
    const r = await streamJsonFile(q, { onArrayStart: () => ['ts', 'dur', 'nested'], onArrayItem: (_k, v) => got.push(v) });
    assert.deepEqual(got, [{ ts: null, dur: 5, nested: [null] }, { ts: 2 }]);
    assert.equal(r.parseErrors, 1);
    assert.ok(r.nonFiniteFixed > 0);
  });

  it('fuzz: random documents, random chunk sizes, with and without projection, equal JSON.parse', async () => {
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const pieces = ['a', '"', '\\', '}', ']', '{', '[', ',', ':', 'é', '✓', '𝄞', '\n', '\u0000', ' ', 'NaN', 'key'];
    const rstr = () => Array.from({ length: Math.floor(rnd() * 8) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
    const rval = (d: number): unknown => {
      const k = Math.floor(rnd() * (d > 2 ? 5 : 7));
      if (k === 0) return rstr();
      if (k === 1) return Math.floor(rnd() * 1e12) * (rnd() < 0.3 ? -1 : 1) / (rnd() < 0.3 ? 1000 : 1);
      if (k === 2) return rnd() < 0.5;
      if (k === 3) return null;
      if (k === 4) return rnd() * 1e-5;
      if (k === 5) return Array.from({ length: Math.floor(rnd() * 4) }, () => rval(d + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 5) }, () => [rstr(), rval(d + 1)]));
    };
    const fields = ['a', 'key', '"', 'b'];
    for (let iter = 0; iter < Number(process.env.FUZZ_ITERS ?? 40); iter++) {
      const items = Array.from({ length: 1 + Math.floor(rnd() * 20) }, () =>
        rnd() < 0.8 ? Object.fromEntries([['a', rval(1)], ['key', rval(1)], [rstr(), rval(1)], ['b', rval(1)]]) : rval(1));
      const doc = { x: items, y: rval(0) };
      const p = join(t.dir, `fz${iter}.json`);
      writeFileSync(p, JSON.stringify(doc, null, rnd() < 0.5 ? 1 : 0));
      const hw = 1 + Math.floor(rnd() * 64);
      const plain: unknown[] = [];
      const r1 = await streamJsonFile(p, { onArrayItem: (k, v) => { if (k === 'x') plain.push(v); } }, { highWaterMark: hw });
      assert.equal(r1.parseErrors, 0, r1.errors.join(';'));
      assert.deepEqual(plain, items, `iteration ${iter}, chunk ${hw}`);
      const proj: unknown[] = [];
      await streamJsonFile(p, { onArrayStart: () => fields, onArrayItem: (k, v) => { if (k === 'x') proj.push(v); } }, { highWaterMark: hw });
      const pick = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).filter(([k]) => fields.includes(k))) : v);
      assert.deepEqual(proj.map(pick), items.map(pick), `projection, iteration ${iter}, chunk ${hw}`);
    }
  });

  it('fuzz: bare NaN/Infinity anywhere a value can be, equal to null', async () => {
    let seed = 99;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const lits = ['NaN', 'Infinity', '-Infinity'];
    for (let iter = 0; iter < 30; iter++) {
      const items = Array.from({ length: 1 + Math.floor(rnd() * 10) }, (_, i) => ({ a: i, s: 'NaN "Infinity"', n: '@@', deep: [1, '@@', { z: '@@' }], b: rnd() < 0.5 ? '@@' : 3 }));
      const text = JSON.stringify({ x: items, tail: '@@' }).replace(/"@@"/g, () => lits[Math.floor(rnd() * 3)]);
      const expected = JSON.parse(JSON.stringify({ x: items, tail: '@@' }).replace(/"@@"/g, 'null')) as { x: unknown[]; tail: null };
      const p = join(t.dir, `nan${iter}.json`);
      writeFileSync(p, text);
      const hw = 1 + Math.floor(rnd() * 40);
      for (const fieldsOpt of [undefined, ['a', 'n', 'deep', 'b']]) {
        const got: unknown[] = [];
        const vals: Record<string, unknown> = {};
        const r = await streamJsonFile(p, { onArrayStart: () => fieldsOpt ?? true, onArrayItem: (_k, v) => got.push(v), onValue: (k, v) => { vals[k] = v; } }, { highWaterMark: hw });
        assert.equal(r.parseErrors, 0, r.errors.join(';'));
        // Under a projection, elements that span chunks arrive whole: compare the projected fields.
        const pick = (o: unknown) => (fieldsOpt ? Object.fromEntries(Object.entries(o as object).filter(([k]) => fieldsOpt.includes(k))) : o);
        assert.deepEqual(got.map(pick), expected.x.map(pick), `iteration ${iter}, chunk ${hw}`);
        assert.equal(vals.tail, null);
      }
    }
  });

  it('rewrites bare NaN/Infinity outside strings only, across chunk boundaries', async () => {
    const p = join(t.dir, 'nan.json');
    writeFileSync(p, '{"x": [{"a": NaN, "b": "NaN", "c": -Infinity, "d": [Infinity, 1]}, NaN, {"e": "Infinity"}]}');
    for (const hw of [1, 5, 1024]) {
      const got: unknown[] = [];
      const r = await streamJsonFile(p, { onArrayItem: (_k, v) => got.push(v) }, { highWaterMark: hw });
      assert.deepEqual(got, [{ a: null, b: 'NaN', c: null, d: [null, 1] }, null, { e: 'Infinity' }]);
      assert.ok(r.nonFiniteFixed > 0);
    }
    assert.equal(nonFiniteToNull('[NaN,"NaN",-Infinity,"a\\"NaN"]'), '[null,"NaN",null,"a\\"NaN"]');
  });

  it('skips arrays the handler does not want, reports truncation and trailing data', async () => {
    const p = join(t.dir, 'trunc.json');
    writeFileSync(p, '{"skip": [1, 2, 3], "keep": [{"a": 1}, {"a": 2}, {"a"');
    const got: unknown[] = [];
    const r = await streamJsonFile(p, { onArrayStart: (k) => k === 'keep', onArrayItem: (k, v) => { assert.equal(k, 'keep'); got.push(v); } });
    assert.deepEqual(got, [{ a: 1 }, { a: 2 }]);
    assert.equal(r.truncated, true);
    const q = join(t.dir, 'trail.json');
    writeFileSync(q, '[1, 2] [3]');
    const r2 = await streamJsonFile(q, { onArrayItem: () => undefined });
    assert.equal(r2.trailingData, true);
  });

  it('isolates a bad element inside a batch', async () => {
    const p = join(t.dir, 'bad.json');
    writeFileSync(p, '{"x": [{"a": 1}, {"a": tru}, {"a": 3}]}');
    const got: unknown[] = [];
    const r = await streamJsonFile(p, { onArrayItem: (_k, v) => got.push(v) });
    assert.deepEqual(got, [{ a: 1 }, { a: 3 }]);
    assert.equal(r.parseErrors, 1);
  });

  it('createNonFiniteTransform makes NaN JSON parseable by stream-json', async () => {
    const chunks = ['[{"a": Na', 'N, "s": "NaN"}, -Infin', 'ity, 1]'];
    const out: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      Readable.from(chunks).pipe(createNonFiniteTransform()).pipe(parser()).pipe(StreamArray.streamArray())
        .on('data', (d: { value: unknown }) => out.push(d.value)).on('end', resolve).on('error', reject);
    });
    assert.deepEqual(out, [{ a: null, s: 'NaN' }, null, 1]);
  });
});
