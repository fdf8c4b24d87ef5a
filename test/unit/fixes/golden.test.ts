// Before/after golden tests: every `test/fixtures/fixes/<name>.before.py` is fixed (all safe fixes, to a
// fixpoint) for each stack that has a `<name>.<target>.after.py`, and must give exactly that file.
// `UPDATE_GOLDEN=1 npx mocha test/unit/fixes` rewrites the after files (then read every one of them).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from '../../../src/core/types';
import { assertSafe, fixText } from './helpers';

const DIR = join(__dirname, '../../fixtures/fixes');
const update = process.env.UPDATE_GOLDEN === '1';
const befores = readdirSync(DIR).filter((f) => f.endsWith('.before.py')).sort();

describe('fix engine: golden before/after files', function () {
  this.timeout(60_000);
  it('has fixtures', () => assert.ok(befores.length >= 10));
  for (const file of befores) {
    const name = file.replace(/\.before\.py$/, '');
    for (const target of ['xla', 'native'] as Target[]) {
      const afterPath = join(DIR, `${name}.${target}.after.py`);
      if (!existsSync(afterPath) && !(update && (target === 'xla' || process.env.UPDATE_NATIVE?.split(',').includes(name)))) continue;
      it(`${name} (${target})`, async () => {
        const before = readFileSync(join(DIR, file), 'utf8');
        const version = /_v03$/.test(name) ? '0.3.0' : undefined;
        const res = await fixText(before, target, version);
        if (update) writeFileSync(afterPath, res.text);
        assert.equal(res.text, readFileSync(afterPath, 'utf8'));
        // NRN822 does not know the pinned optimum-neuron version: with 0.3.x, from_pretrained(export=True) is right.
        await assertSafe(name, before, res, target, version ? ['NRN822'] : [], version);
      });
    }
  }
});
