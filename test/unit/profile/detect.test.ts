import assert from 'node:assert/strict';
import { join } from 'node:path';
import { detectProfileFormat, detectProfileFormatDetailed, sniffText } from '../../../src/core/profile/index';
import { FIX } from './helpers';

describe('profile format detection', () => {
  const cases: [string, string][] = [
    ['summary-json/inf2-real.summary.json', 'summary-json'],
    ['summary-json/two-nc-mislabelled.txt', 'summary-json'],
    ['summary-text/inf2.summary.txt', 'summary-text'],
    ['parquet/small@latest', 'parquet'],
    ['parquet/small@latest/Instruction_1.parquet', 'parquet'],
    ['parquet', 'parquet'],
    ['legacy-json/ntff.json', 'legacy-json'],
    ['legacy-json', 'legacy-json'],
    ['chrome-trace/trace.json', 'chrome-trace'],
    ['chrome-trace/neuron_trace.json', 'chrome-trace'],
    ['system-profile/system_profile.json', 'system-profile'],
    ['neuron-monitor/monitor.ndjson', 'neuron-monitor'],
    ['ntff/profile_nc_0_session_0.ntff', 'ntff'],
    ['ntff', 'ntff'],
  ];
  for (const [rel, fmt] of cases) {
    it(`${rel} → ${fmt}`, async () => {
      assert.equal(await detectProfileFormat(join(FIX, rel)), fmt);
    });
  }
  it('a Parquet table resolves to its directory; Explorer layout found one level down', async () => {
    const d = await detectProfileFormatDetailed(join(FIX, 'parquet/small@latest/Summary.parquet'));
    assert.equal(d.path, join(FIX, 'parquet/small@latest'));
    const up = await detectProfileFormatDetailed(join(FIX, 'parquet'));
    assert.equal(up.path, join(FIX, 'parquet/small@latest'));
  });
  it('sniffs content, not names', () => {
    assert.equal(sniffText('I0826 log line\n{"n_abc": {"total_time": 0.1, "mfu_estimated_percent": 0.2}}').format, 'summary-json');
    assert.equal(sniffText('[{"ph":"X","name":"a","ts":1,"dur":2,"pid":1,"tid":1}]').format, 'chrome-trace');
    assert.equal(sniffText('{"metadata": {}, "summary": [{"total_time": 1}], "instruction": [').format, 'legacy-json');
    assert.equal(sniffText('{"neuron_runtime_data":[],"system_data":{}}\n').format, 'neuron-monitor');
    assert.equal(sniffText('nc_idx      1\nnd_idx      2\ntotal_time  0.017\n').format, 'summary-text');
    assert.equal(sniffText('{"events":[{"event_type":"nrt_execute","phase":"start"}],"data_version":2}').format, 'system-profile');
    assert.equal(sniffText('{"hello": 1}').format, null);
    assert.equal(sniffText('{"big_metadata": 1', 'x/device_profile_model_10001.json').format, 'legacy-json');
  });
  it('missing path throws', async () => {
    await assert.rejects(detectProfileFormat(join(FIX, 'does-not-exist')));
  });
});
