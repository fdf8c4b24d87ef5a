import assert from 'node:assert/strict';
import { computeInsights, THRESHOLDS } from '../../../src/core/profile/insights';
import { emptyModel } from '../../../src/core/profile/counters';
import type { ProfileModel } from '../../../src/core/profile/model';

function model(p: Partial<ProfileModel>): ProfileModel {
  return { ...emptyModel('summary-json', 'x'), ...p };
}
const ids = (m: ProfileModel, facts = {}) => computeInsights(m, facts).map((i) => i.id);

describe('profile insights', () => {
  it('low MFU: warning below 10 %, info below 30 %, nothing above', () => {
    assert.ok(ids(model({ mfuPercent: 9.9 })).includes('low-mfu'));
    assert.equal(computeInsights(model({ mfuPercent: 20 }))[0].severity, 'info');
    assert.ok(!ids(model({ mfuPercent: 45 })).includes('low-mfu'));
    assert.ok(!ids(model({ mfuPercent: null })).includes('low-mfu'), 'null inputs never fire');
  });
  it('DMA-bound and memory-bound', () => {
    const engines = [{ name: 'tensor', activeTimePercent: 20, instructionCount: 1 }];
    assert.ok(ids(model({ engines, counters: { dma_active_time_percent: 0.7 } })).includes('dma-bound'));
    assert.ok(ids(model({ engines, mbuPercent: 70, mfuPercent: 5 })).includes('memory-bound'));
  });
  it('collectives share, capped at 100 %', () => {
    const m = model({ totalTimeNs: 1000, collectives: [{ name: 'AllReduce', count: 1, timeNs: 5000, bytes: null }] });
    const i = computeInsights(m).find((x) => x.id === 'high-collective-time');
    assert.match(i!.message, /100%/);
    assert.ok(!ids(model({ totalTimeNs: 1000, collectives: [{ name: 'a', count: 1, timeNs: 200, bytes: null }] })).includes('high-collective-time'));
  });
  it('many small DMAs needs both a small average and enough transfers', () => {
    assert.ok(ids(model({ dma: { bytes: 1000 * 512, transfers: 1000 } })).includes('small-dmas'));
    assert.ok(!ids(model({ dma: { bytes: 999 * 512, transfers: 999 } })).includes('small-dmas'));
    assert.ok(!ids(model({ dma: { bytes: 5000 * 4096, transfers: 5000 } })).includes('small-dmas'));
  });
  it('engine imbalance only when a non-Tensor engine dominates', () => {
    const e = (t: number, v: number) => [{ name: 'tensor', activeTimePercent: t, instructionCount: 1 }, { name: 'vector', activeTimePercent: v, instructionCount: 1 }];
    assert.ok(ids(model({ engines: e(0.0002, 96) })).includes('engine-imbalance'));
    assert.ok(!ids(model({ engines: e(89, 5) })).includes('engine-imbalance'));
    assert.ok(!ids(model({ engines: e(30, 70) })).includes('engine-imbalance'), 'below the 3× ratio');
  });
  it('Explorer rules: spill reloads, transposes, model FLOPs; throttling; semaphore waits', () => {
    const m = model({ hbm: { readBytes: 100, writeBytes: 0 }, totalTimeNs: 1000,
      counters: { spill_reload_bytes: 30, transpose_flops: 20, hardware_flops: 100, model_flops: 40, throttle_active_nc0_time_ns: 200 } });
    for (const id of ['spill-reload', 'transpose-flops', 'model-flops-low', 'throttling']) assert.ok(ids(m).includes(id), id);
    const w = model({ engines: [{ name: 'tensor', activeTimePercent: 50, instructionCount: 1, instructionTimeNs: 1000 }], metadata: { evt_wait_time_ns_total: 300 } });
    assert.ok(ids(w).includes('semaphore-waits'));
  });
  it('trace/monitor facts: host gaps, low utilisation, unused cores, errors', () => {
    const got = ids(model({}), { deviceIdlePercent: THRESHOLDS.hostGapPercent, meanCoreUtilPercent: 10, unusedCores: 1, executionErrors: 2 });
    assert.deepEqual(got.sort(), ['execution-errors', 'host-bound-gaps', 'low-core-utilization', 'unused-cores']);
  });
});
