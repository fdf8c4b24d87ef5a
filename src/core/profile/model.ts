// The normalised profile: every reader (Parquet, summary JSON/text, legacy JSON, Chrome traces,
// system profile, neuron-monitor) produces this, and the CLI and the webview consume only this.
// CONTRACTS.md §2 fixes the JSON field names of the top-level summary: extend, never rename.
// Every *Percent is on a 0–100 scale; times are nanoseconds; a value the source lacks is null.
// Semantics of each field (and the readers that fill them): src/core/profile/README.md.

export type ProfileFormat =
  | 'summary-json'
  | 'summary-text'
  | 'legacy-json'
  | 'parquet'
  | 'chrome-trace'
  | 'system-profile'
  | 'neuron-monitor'
  | 'ntff'
  /** Not a recognised profile (the model then only carries warnings). */
  | 'unknown';

export interface EngineStat {
  /** Lower-case: tensor, vector, scalar, gpsimd, sync, or another name the format has. */
  name: string;
  activeTimePercent: number | null;
  instructionCount: number | null;
  /** Sum of instruction durations on this engine, ns (additive, optional). */
  instructionTimeNs?: number | null;
  /** Busy (union of instruction intervals) time, ns (additive, optional). */
  activeTimeNs?: number | null;
}

export interface TopOp {
  name: string;
  /** Summed duration of the op's instructions/events, ns (engines overlap, so ops can sum past the wall time). */
  timeNs: number;
  /** Share (0–100) of the summed time of all ops of this kind. */
  percent: number | null;
  count?: number | null;
  /** Where the op came from in user code, when the profile carries it (file:line). */
  source?: { file: string; line: number } | null;
  kind?: string | null; // 'hlo' | 'framework' | 'opcode' | …
}

export interface Insight {
  id: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** One timeline lane: an engine, a DMA queue, a collective stream, a framework thread. */
export interface TimelineLane {
  id: string;
  label: string;
  group: 'engine' | 'dma' | 'collective' | 'framework' | 'host' | 'other';
}

/**
 * Timeline events as columnar typed arrays so a million events move to the webview cheaply
 * (structured clone of typed arrays, no per-event objects).
 */
export interface TimelineData {
  lanes: TimelineLane[];
  /** Event start relative to the profile start, ns. */
  start: Float64Array;
  /** Duration, ns. */
  duration: Float64Array;
  /** Index into lanes. */
  lane: Uint16Array;
  /** Index into names. */
  nameIndex: Uint32Array;
  names: string[];
  /** Total events in the source; more than start.length when the reader sampled or capped. */
  totalEvents: number;
  /**
   * Optional per-event operator (HLO op / framework op) as an index into `names`;
   * 0xFFFFFFFF when the event has none. Lets the panel colour events by operator.
   */
  opIndex?: Uint32Array;
  /** Absolute source timestamp (ns, source clock) that `start` is relative to. */
  originNs?: number;
}

export interface FieldInfo {
  table: string;
  field: string;
  description: string;
  unit: string | null;
}

export interface ProfileModel {
  format: ProfileFormat;
  source: string;
  totalTimeNs: number | null;
  activeTimePercent: number | null;
  mfuPercent: number | null;
  hfuPercent: number | null;
  mbuPercent: number | null;
  arithmeticIntensity?: number | null;
  engines: EngineStat[];
  hbm: { readBytes: number | null; writeBytes: number | null } | null;
  sbuf?: { readBytes: number | null; writeBytes: number | null } | null;
  dma?: { bytes: number | null; transfers: number | null; queues?: { name: string; bytes: number; timeNs: number | null }[] } | null;
  collectives?: { name: string; count: number; timeNs: number; bytes: number | null }[];
  opcodes?: { name: string; count: number; timeNs: number | null; engine?: string }[];
  topOps: TopOp[];
  insights: Insight[];
  warnings: string[];
  metadata?: Record<string, string | number | null>;
  timeline?: TimelineData | null;
  /** Field descriptions and units (from Parquet SchemaFields or the built-in catalog) for tooltips. */
  fields?: FieldInfo[];
  /** Framework-level ops (Parquet FrameworkNode, Chrome-trace CPU ops), heaviest first. */
  frameworkOps?: TopOp[];
  /** Raw summary counters as the source gave them (percent counters keep the source scale). */
  counters?: Record<string, number | string | null>;
  /** Tables / sections actually read, e.g. ['Summary', 'Instruction']. */
  sectionsRead?: string[];
  /** Version of the source format when known (Parquet profile_schema_version, profiler version). */
  formatVersion?: string | null;
  /** Sampled time series (neuron-monitor utilisation, host memory, …); `t` is ns from the series start. */
  series?: TimeSeries[];
}

export interface TimeSeries {
  id: string;
  label: string;
  /** e.g. 'percent' (0–100), 'bytes', 'flops'. */
  unit: string;
  t: Float64Array;
  v: Float64Array;
}
