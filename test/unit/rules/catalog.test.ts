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

  // Id ranges per category (one place for the whole catalog; the rule families were written apart).
  const RANGES: Record<string, [number, number]> = {
    'cuda-device': [101, 149],
    'cuda-api': [151, 199],
    'mixed-precision': [201, 249],
    distributed: [251, 299],
    'lazy-execution': [301, 349],
    'host-sync': [351, 399],
    'dynamic-shape': [401, 449],
    dtype: [451, 499],
    'unsupported-op': [501, 549],
    'gpu-library': [551, 599],
    compile: [601, 649],
    jax: [701, 749],
    'optimum-neuron': [801, 849],
  };
  const TORCH_FAMILIES = ['cuda-device', 'cuda-api', 'mixed-precision', 'distributed', 'lazy-execution', 'host-sync', 'dynamic-shape'];

  it('puts every id in its category range, with unique kebab-case names and the pinned ids present', () => {
    assert.ok(ALL_RULES.filter((r) => TORCH_FAMILIES.includes(r.category)).length >= 40);
    assert.ok(ALL_RULES.filter((r) => !TORCH_FAMILIES.includes(r.category)).length >= 32);
    const names = new Set<string>();
    for (const r of ALL_RULES) {
      const n = Number(r.id.slice(3));
      const [lo, hi] = RANGES[r.category];
      assert.ok(n >= lo && n <= hi, `${r.id} outside ${r.category}`);
      assert.match(r.name, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, r.id);
      assert.ok(!names.has(r.name), `duplicate name ${r.name}`);
      names.add(r.name);
    }
    for (const id of ['NRN101', 'NRN102', 'NRN151', 'NRN201', 'NRN202', 'NRN251', 'NRN351', 'NRN801', 'NRN802', 'NRN803']) assert.ok(ALL_RULES.some((r) => r.id === id), `pinned ${id}`);
  });

  it('every rule has a message, why, fix, a Neuron/Optimum/PyTorch-XLA docs page, triggers, and a severity for both stacks', () => {
    for (const r of ALL_RULES) {
      assert.ok(r.title && r.message && r.why && r.fix, r.id);
      assert.match(r.docs, /^https:\/\/(?:awsdocs-neuron\.readthedocs-hosted\.com\/en\/latest\/|huggingface\.co\/docs\/optimum-neuron\/|github\.com\/pytorch\/xla\/)/, r.id);
      assert.ok(!/\.(rst|mdx)$/.test(r.docs), `${r.id} links a source file`);
      assert.ok(r.message.length < 400, `${r.id} message too long`);
      if (!TORCH_FAMILIES.includes(r.category) && r.id !== 'NRN559') assert.match(r.source ?? '', /^NRN-(PT|JAX|HF)-0[0-9A-C]{2}$/, r.id); // cupy has no research row
      if (r.category === 'jax') assert.equal(r.severity.xla, r.severity.native, `${r.id}: JAX rules apply under both stacks`);
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
