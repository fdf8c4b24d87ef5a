// The catalog as a whole: contract-level invariants every rule must meet.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES } from '../../../src/core/rules';
import { CATEGORIES } from '../../../src/core/types';

describe('rule catalog', () => {
  it('has at least 60 rules covering all 13 categories, with unique NRN ids', () => {
    assert.ok(ALL_RULES.length >= 60, `${ALL_RULES.length} rules`);
    assert.deepEqual([...new Set(ALL_RULES.map((r) => r.category))].sort(), [...CATEGORIES].sort());
    const ids = ALL_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
    for (const id of ids) assert.match(id, /^NRN\d{3}$/);
  });

  it('every rule has a message, why, fix, an https docs link, triggers, and a severity for both stacks', () => {
    for (const r of ALL_RULES) {
      assert.ok(r.title && r.message && r.why && r.fix, r.id);
      assert.match(r.docs, /^https:\/\//, r.id);
      assert.ok(r.triggers.length > 0, `${r.id} has no triggers`);
      for (const t of ['xla', 'native'] as const) assert.ok(['error', 'warning', 'info', 'off'].includes(r.severity[t]), `${r.id} ${t}`);
      assert.ok(r.severity.xla !== 'off' || r.severity.native !== 'off', `${r.id} is off on both stacks`);
      if (r.severity.xla !== r.severity.native) assert.ok(r.stackNote, `${r.id}: severities differ by stack but there is no stackNote`);
    }
  });

  it('every rule is exercised by the rule tests (a case where it fires and one where it must not)', () => {
    const dir = join(__dirname);
    const text = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts') && f !== 'catalog.test.ts')
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const missing = ALL_RULES.filter((r) => !text.includes(`'${r.id}'`) && !text.includes(`"${r.id}"`) && !text.includes(`${r.id} `)).map((r) => r.id);
    assert.deepEqual(missing, [], 'rules without tests');
  });
});
