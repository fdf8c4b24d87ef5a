// The CLI contract (CONTRACTS.md §1): formats, exit codes, bad input, and golden JSON on realistic
// fixtures. Goldens are reviewed by hand; regenerate with UPDATE_GOLDEN=1 and read the diff.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/cli';
import { tempDir } from '../helpers';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const FIX = 'test/fixtures/cli';
const GOLDEN = join(FIX, 'golden');

describe('CLI check', () => {
  for (const name of ['gpu_ddp_train', 'hf_finetune', 'jax_train', 'ported_xla', 'false_positive_traps']) {
    it(`matches the reviewed golden JSON for ${name}.py`, async () => {
      const r = await run('check', `${FIX}/${name}.py`, '--format', 'json');
      const doc = JSON.parse(r.out);
      const file = join(GOLDEN, `${name}.json`);
      if (process.env.UPDATE_GOLDEN) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
      }
      assert.deepEqual(doc, JSON.parse(readFileSync(file, 'utf8')));
      assert.equal(r.code, doc.findings.some((f: { severity: string }) => f.severity === 'error') ? 1 : 0);
    });
  }

  it('finds nothing at error or warning severity in the correctly ported script and the traps', async () => {
    const r = await run('check', `${FIX}/ported_xla.py`, `${FIX}/false_positive_traps.py`, '--format', 'json');
    const doc = JSON.parse(r.out);
    assert.deepEqual(doc.findings.filter((f: { severity: string }) => f.severity !== 'info'), []);
    assert.equal(r.code, 0);
  });

  it('prints compiler-style text with a summary line', async () => {
    const r = await run('check', `${FIX}/gpu_ddp_train.py`);
    assert.equal(r.code, 1);
    assert.match(r.out, /^test\/fixtures\/cli\/gpu_ddp_train\.py:\d+:\d+: (error|warning|info) NRN\d{3} /m);
    assert.match(r.out, /Found \d+ issues in 1 file \(target: xla\)/);
  });

  it('writes SARIF 2.1.0 with rule metadata', async () => {
    const r = await run('check', `${FIX}/gpu_ddp_train.py`, '--format', 'sarif');
    const log = JSON.parse(r.out);
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0];
    assert.ok(run0.results.length > 5);
    const ids = new Set(run0.tool.driver.rules.map((x: { id: string }) => x.id));
    for (const res of run0.results) {
      assert.ok(ids.has(res.ruleId));
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
    }
    assert.ok(run0.tool.driver.rules.every((x: { shortDescription: { text: string }; helpUri: string }) => x.shortDescription.text && x.helpUri.startsWith('https://')));
  });

  it('honours --select, --ignore and --target', async () => {
    const sel = JSON.parse((await run('check', `${FIX}/gpu_ddp_train.py`, '--format', 'json', '--select', 'cuda-device')).out);
    assert.ok(sel.findings.length > 0 && sel.findings.every((f: { category: string }) => f.category === 'cuda-device'));
    const ign = JSON.parse((await run('check', `${FIX}/gpu_ddp_train.py`, '--format', 'json', '--ignore', 'NRN101,host-sync')).out);
    assert.ok(ign.findings.every((f: { rule: string; category: string }) => f.rule !== 'NRN101' && f.category !== 'host-sync'));
    const nat = JSON.parse((await run('check', `${FIX}/gpu_ddp_train.py`, '--format', 'json', '--target', 'native')).out);
    assert.equal(nat.target, 'native');
    assert.ok(!nat.findings.some((f: { rule: string }) => f.rule === 'NRN351'), 'host-sync .item() is off on native');
  });

  it('exits 2 with a one-line message for a missing path, a bad option or an unknown rule', async () => {
    for (const argv of [['check', 'no/such/file.py'], ['check', '--format', 'xml', FIX], ['check', '--select', 'NRN999', FIX], ['check', '--target', 'gpu'], ['frobnicate']]) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.out, '');
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
  });

  describe('bad input', () => {
    const dir = tempDir('nl-bad-');
    writeFileSync(join(dir, 'empty.py'), '');
    writeFileSync(join(dir, 'binary.py'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
    writeFileSync(join(dir, 'latin1.py'), Buffer.from('# caf\xe9\nimport torch\nx = torch.zeros(1).cuda()\n', 'latin1'));
    writeFileSync(join(dir, 'broken.py'), 'import torch\ndef f(:\n    x = torch.zeros(1).cuda()\nmodel.cuda(\n');
    writeFileSync(join(dir, 'nb.ipynb'), '{"cells": [');

    it('analyses what tree-sitter recovers from syntax errors', async () => {
      const r = await run('check', join(dir, 'broken.py'), '--format', 'json');
      const doc = JSON.parse(r.out);
      assert.ok(doc.findings.some((f: { rule: string; start: { line: number } }) => f.rule === 'NRN101' && f.start.line === 3));
    });

    it('skips binary, non-UTF-8 and malformed notebooks with a note, and never crashes', async () => {
      const r = await run('check', dir, '--format', 'json');
      const doc = JSON.parse(r.out);
      const notes = doc.notes.map((n: { path: string; message: string }) => `${n.path.split('/').pop()}: ${n.message}`).sort();
      assert.deepEqual(notes, ['binary.py: skipped: binary file', 'latin1.py: skipped: not valid UTF-8', 'nb.ipynb: skipped: not a valid notebook (JSON: Unexpected end of JSON input)']);
      assert.ok(doc.filesAnalyzed >= 2);
    });

    it('skips files over the size limit with a note', async () => {
      const big = join(dir, 'big');
      mkdirSync(big);
      writeFileSync(join(big, 'huge.py'), 'x = 1\n'.repeat(4 * 1024 * 1024)); // 24 MB
      writeFileSync(join(big, 'small.py'), 'import torch\nx = torch.zeros(1).cuda()\n');
      const r = await run('check', big, '--format', 'json');
      const doc = JSON.parse(r.out);
      assert.equal(doc.filesAnalyzed, 1);
      assert.match(doc.notes[0].message, /over the 20 MB limit/);
      assert.ok(existsSync(join(big, 'huge.py')));
    });

    it('exits 2 when nothing could be read', async () => {
      const r = await run('check', join(dir, 'binary.py'));
      assert.equal(r.code, 2);
      assert.match(r.err, /nothing could be read/);
    });
  });
});

describe('CLI rules', () => {
  it('docs/RULES.md is generated from the catalog and up to date (npm run docs)', async () => {
    const r = await run('rules', '--format', 'markdown');
    assert.equal(readFileSync('docs/RULES.md', 'utf8'), r.out, 'docs/RULES.md is stale: run `npm run docs`');
  });
});
