// Rule-based performance insights on a normalised ProfileModel. Every threshold is a named
// constant below, with the reason for its value. Insights never invent numbers: a rule whose
// inputs are null does not fire.
import type { Insight, ProfileModel } from './model';
import { num, round } from './util';

export const THRESHOLDS = {
  /** MFU below this (percent) is flagged as a warning: the Tensor engine is mostly not doing model math. */
  lowMfuWarning: 10,
  /** MFU below this (percent) but above `lowMfuWarning` gets an info note. */
  lowMfuInfo: 30,
  /** DMA busy ≥ this percent of the time while Tensor engine active < `dmaBoundTensorMax` → DMA/memory-bound. */
  dmaBoundDmaActive: 60,
  dmaBoundTensorMax: 50,
  /** MBU ≥ this percent with MFU < lowMfuInfo → memory-bandwidth-bound. */
  memoryBoundMbu: 60,
  /** Collectives take ≥ this percent of the total time (Explorer flags collective outliers; we flag the share). */
  highCollectivePercent: 25,
  /** Average DMA transfer below this many bytes is "small" (Explorer's "Small DMA transfers" bands use ~2 KiB) … */
  smallDmaBytes: 2048,
  /** … and only when there are at least this many transfers (a handful of small DMAs is harmless). */
  smallDmaMinTransfers: 1000,
  /** Busiest non-Tensor engine active ≥ this percent … */
  imbalanceBusy: 60,
  /** … and ≥ this many times the Tensor engine's active percent → the work is not on the matmul engine. */
  imbalanceRatio: 3,
  /** Spill reloads above this fraction of HBM reads (Explorer rule: 25 %). */
  spillReloadFraction: 0.25,
  /** Transpose FLOPs above this fraction of hardware FLOPs (Explorer rule: 10 %). */
  transposeFraction: 0.1,
  /** Model FLOPs below this fraction of hardware FLOPs (Explorer rule: 50 %). */
  modelFlopsFraction: 0.5,
  /** Throttled time above this fraction of the total time. */
  throttleFraction: 0.1,
  /** Semaphore/event wait before issue (evt_wait_time) above this fraction of summed instruction time. */
  semaphoreWaitFraction: 0.25,
  /** Device idle between executions above this percent of wall time → host/input-bound (traces, monitor). */
  hostGapPercent: 30,
  /** Device active below this percent of the profile's total time → idle startup / sync stalls. */
  lowActivePercent: 50,
};

/** Extra facts a reader computed that the model does not carry directly. */
export interface InsightFacts {
  /** Percent of the trace wall time during which no device work ran (traces / system profiles). */
  deviceIdlePercent?: number | null;
  /** Number of host-side gaps counted for deviceIdlePercent. */
  deviceGapCount?: number | null;
  /** neuron-monitor: mean NeuronCore utilisation (0–100). */
  meanCoreUtilPercent?: number | null;
  /** neuron-monitor / system profile: executions that ended in an error. */
  executionErrors?: number | null;
  /** neuron-monitor: cores reported but never utilised. */
  unusedCores?: number | null;
}

function pct(v: number): string {
  return `${round(v, v < 1 ? 3 : 1)}%`;
}

export function computeInsights(model: ProfileModel, facts: InsightFacts = {}): Insight[] {
  const T = THRESHOLDS;
  const out: Insight[] = [];
  const c = model.counters ?? {};
  const cn = (k: string): number | null => num(c[k]);
  const eng = (name: string) => model.engines.find((e) => e.name === name);

  // Low MFU
  if (model.mfuPercent !== null) {
    const maxAch = cn('mfu_max_achievable_estimated_percent');
    const maxTxt = maxAch !== null ? ` (the compiler's max achievable estimate is ${pct(maxAch * 100)})` : '';
    if (model.mfuPercent < T.lowMfuWarning) {
      out.push({ id: 'low-mfu', severity: 'warning',
        message: `MFU is ${pct(model.mfuPercent)}${maxTxt}: the Tensor engine spends little of its peak on model math. Use larger batch/sequence tiles, bf16, and fuse small matmuls.` });
    } else if (model.mfuPercent < T.lowMfuInfo) {
      out.push({ id: 'low-mfu', severity: 'info', message: `MFU is ${pct(model.mfuPercent)}${maxTxt}; there is headroom on the Tensor engine.` });
    }
  }

  // DMA / memory bound
  const dmaActive = cn('dma_active_time_percent');
  const tensor = eng('tensor');
  if (dmaActive !== null && dmaActive * 100 >= T.dmaBoundDmaActive && (tensor?.activeTimePercent ?? 0) < T.dmaBoundTensorMax) {
    out.push({ id: 'dma-bound', severity: 'warning',
      message: `DMA is active ${pct(dmaActive * 100)} of the time while the Tensor engine is active ${pct(tensor?.activeTimePercent ?? 0)}: the kernel waits on data movement. Reuse tiles in SBUF, batch transfers, avoid spills.` });
  } else if (model.mbuPercent !== null && model.mbuPercent >= T.memoryBoundMbu && (model.mfuPercent ?? 100) < T.lowMfuInfo) {
    out.push({ id: 'memory-bound', severity: 'info',
      message: `MBU is ${pct(model.mbuPercent)} with MFU ${pct(model.mfuPercent ?? 0)}: the workload is HBM-bandwidth-bound.` });
  }

  // Collectives
  const total = model.totalTimeNs;
  let ccPct: number | null = cn('cc_op_active_time_percent') !== null ? cn('cc_op_active_time_percent')! * 100 : null;
  if (ccPct === null && total && model.collectives?.length) {
    // Summed op time can exceed the wall time when streams overlap: cap at 100 %.
    ccPct = Math.min(100, (model.collectives.reduce((s, x) => s + x.timeNs, 0) / total) * 100);
  }
  if (ccPct !== null && ccPct >= T.highCollectivePercent) {
    out.push({ id: 'high-collective-time', severity: 'warning',
      message: `Collectives take ${pct(ccPct)} of the time. Overlap communication with compute, use larger buckets, or check the replica-group topology.` });
  }

  // Small DMAs
  let avgDma = cn('dma_transfer_average_bytes');
  const transfers = model.dma?.transfers ?? null;
  if (avgDma === null && model.dma?.bytes != null && transfers) avgDma = model.dma.bytes / transfers;
  if (avgDma !== null && transfers !== null && transfers >= T.smallDmaMinTransfers && avgDma < T.smallDmaBytes) {
    out.push({ id: 'small-dmas', severity: 'warning',
      message: `${transfers} DMA transfers average ${Math.round(avgDma)} bytes (< ${T.smallDmaBytes}): per-descriptor overhead dominates. Transfer larger contiguous tiles.` });
  }

  // Engine imbalance: a non-Tensor engine is the bottleneck.
  const others = model.engines.filter((e) => e.name !== 'tensor' && e.activeTimePercent !== null);
  const busiest = others.sort((a, b) => (b.activeTimePercent ?? 0) - (a.activeTimePercent ?? 0))[0];
  // Only for NeuronCore engine breakdowns (not per-core lists such as neuron-monitor's nc0, nc1).
  if (tensor && busiest && (busiest.activeTimePercent ?? 0) >= T.imbalanceBusy &&
      (busiest.activeTimePercent ?? 0) >= T.imbalanceRatio * (tensor?.activeTimePercent ?? 0)) {
    out.push({ id: 'engine-imbalance', severity: 'warning',
      message: `The ${busiest.name} engine is active ${pct(busiest.activeTimePercent ?? 0)} but the Tensor engine only ${pct(tensor?.activeTimePercent ?? 0)}: the hot loop runs on ${busiest.name}, not on the matmul engine. Move elementwise work off the critical path or restructure as matmuls.` });
  }

  // Spill reloads (Explorer rule)
  const spill = cn('spill_reload_bytes');
  const hbmRead = model.hbm?.readBytes ?? null;
  if (spill !== null && hbmRead && spill / hbmRead > T.spillReloadFraction) {
    out.push({ id: 'spill-reload', severity: 'warning',
      message: `Spill reloads are ${pct((spill / hbmRead) * 100)} of HBM reads: SBUF pressure forces the compiler to spill. Reduce live tile sizes.` });
  }

  // Transpose FLOPs (Explorer rule)
  const tf = cn('transpose_flops'), hf = cn('hardware_flops'), mf = cn('model_flops');
  if (tf !== null && hf && tf / hf > T.transposeFraction) {
    out.push({ id: 'transpose-flops', severity: 'info',
      message: `Transposes are ${pct((tf / hf) * 100)} of hardware FLOPs; pick layouts that avoid them.` });
  }
  if (mf !== null && hf && mf / hf < T.modelFlopsFraction) {
    out.push({ id: 'model-flops-low', severity: 'info',
      message: `Model FLOPs are ${pct((mf / hf) * 100)} of the FLOPs the hardware executed: padding, transposes or recomputation waste Tensor-engine work.` });
  }

  // Throttling
  const thr = cn('throttle_active_nc0_time_ns');
  if (thr !== null && total && thr / total > T.throttleFraction) {
    out.push({ id: 'throttling', severity: 'warning',
      message: `The NeuronCore was throttled for ${pct((thr / total) * 100)} of the time (power/thermal limit).` });
  }

  // Semaphore waits (legacy JSON evt_wait_time, summed by the reader into metadata)
  const wait = num(model.metadata?.evt_wait_time_ns_total);
  const instrTime = model.engines.reduce((sum, e) => sum + (e.instructionTimeNs ?? 0), 0);
  if (wait !== null && instrTime > 0 && wait / instrTime > T.semaphoreWaitFraction) {
    out.push({ id: 'semaphore-waits', severity: 'warning',
      message: `Instructions waited on semaphores/events for ${pct((wait / instrTime) * 100)} of their execution time: engines stall on dependencies (DMA completion or other engines). Overlap loads with compute (double-buffering).` });
  }

  // Low active time
  if (model.activeTimePercent !== null && model.activeTimePercent < T.lowActivePercent && facts.deviceIdlePercent == null && facts.meanCoreUtilPercent == null) {
    out.push({ id: 'low-active-time', severity: 'info',
      message: `Engines are active only ${pct(model.activeTimePercent)} of the profiled time: look for semaphore waits, DMA stalls or idle startup.` });
  }

  // Host-bound gaps (traces, system profiles)
  if (facts.deviceIdlePercent != null && facts.deviceIdlePercent >= T.hostGapPercent) {
    out.push({ id: 'host-bound-gaps', severity: 'warning',
      message: `The device is idle ${pct(facts.deviceIdlePercent)} of the traced time${facts.deviceGapCount ? ` across ${facts.deviceGapCount} gaps` : ''} between executions: the host (input pipeline, Python, graph tracing or syncs such as .item()) is the bottleneck. Use MpDeviceLoader, avoid host syncs in the loop.` });
  }
  if (facts.meanCoreUtilPercent != null && facts.meanCoreUtilPercent < T.lowActivePercent) {
    out.push({ id: 'low-core-utilization', severity: 'warning',
      message: `Mean NeuronCore utilisation is ${pct(facts.meanCoreUtilPercent)}: cores wait on the host or sit unused.` });
  }
  if (facts.unusedCores) {
    out.push({ id: 'unused-cores', severity: 'info',
      message: `${facts.unusedCores} NeuronCore(s) reported 0% utilisation throughout: run more model replicas or shard across them (e.g. data parallel) to use the whole device.` });
  }
  if (facts.executionErrors) {
    out.push({ id: 'execution-errors', severity: 'error', message: `${facts.executionErrors} executions ended in an error.` });
  }
  return out;
}
