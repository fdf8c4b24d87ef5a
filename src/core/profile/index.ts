// Entry point of the profile readers: `loadProfile(path)` → one normalised ProfileModel.
// Pure Node (no vscode). Throws only when the path itself cannot be accessed (ENOENT, EACCES,
// ENOTDIR) or when cancelled (AbortError); bad data ends up in `model.warnings`.
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { emptyModel } from './counters';
import { detectProfileFormatDetailed, type Detection } from './detect';
import { computeInsights, type InsightFacts } from './insights';
import type { ProfileFormat, ProfileModel } from './model';
import { readChromeTrace } from './readers/chromeTrace';
import { readLegacyJson } from './readers/legacyJson';
import { readNeuronMonitor } from './readers/neuronMonitor';
import { guessNeffForNtff, ntffConversionCommand, readNtff } from './readers/ntff';
import { readParquetDir } from './readers/parquet';
import { readSummaryJson, readSummaryText } from './readers/summary';
import { readSystemProfile } from './readers/systemProfile';
import type { ReaderOptions } from './readers/types';
import { DEFAULT_MAX_TIMELINE_EVENTS } from './timeline';
import { errMessage, isAbortError } from './util';

export type * from './model';
export { ntffConversionCommand, ntffConversionOutput, guessNeffForNtff } from './readers/ntff';
export { THRESHOLDS, computeInsights } from './insights';
export { DEFAULT_MAX_TIMELINE_EVENTS } from './timeline';
export { sniffText, type Detection } from './detect';

export interface LoadProfileOptions {
  /** Cap on timeline events kept (uniform sample above it; `timeline.totalEvents` keeps the true count). */
  maxTimelineEvents?: number;
  signal?: AbortSignal;
  onProgress?(fraction: number): void;
  /** Skip detection and read as this format. */
  format?: ProfileFormat;
}

/** The format of a file or directory, or null when it is not a recognised profile. Throws if the path is inaccessible. */
export async function detectProfileFormat(path: string): Promise<ProfileFormat | null> {
  return (await detectProfileFormatDetailed(path)).format;
}

export { detectProfileFormatDetailed };

export async function loadProfile(path: string, options: LoadProfileOptions = {}): Promise<ProfileModel> {
  await fsp.stat(path); // throws ENOENT/EACCES for the caller (CLI exit 2)
  let det: Detection;
  if (options.format) {
    const st = await fsp.stat(path);
    det = { format: options.format, path, reason: 'format given by the caller' };
    if (options.format !== 'parquet' && st.isDirectory()) {
      const auto = await detectProfileFormatDetailed(path);
      det = { ...det, path: auto.path };
    }
  } else {
    det = await detectProfileFormatDetailed(path);
  }
  const source = path;
  if (!det.format) {
    const m = emptyModel('unknown', source);
    m.warnings.push(`Not a recognised Neuron profile: ${det.reason}.`);
    m.sectionsRead = [];
    return finalize(m, {});
  }
  const ro: ReaderOptions = {
    maxTimelineEvents: options.maxTimelineEvents ?? DEFAULT_MAX_TIMELINE_EVENTS,
    signal: options.signal, onProgress: options.onProgress,
  };
  let model: ProfileModel;
  let facts: InsightFacts = {};
  try {
    switch (det.format) {
      case 'parquet': model = await readParquetDir(det.path, source, ro); break;
      case 'summary-json': model = await readSummaryJson(det.path, source); break;
      case 'summary-text': model = await readSummaryText(det.path, source); break;
      case 'legacy-json': model = await readLegacyJson(det.path, source, ro); break;
      case 'chrome-trace': ({ model, facts } = await readChromeTrace(det.path, source, ro)); break;
      case 'system-profile': ({ model, facts } = await readSystemProfile(det.path, source, ro)); break;
      case 'neuron-monitor': ({ model, facts } = await readNeuronMonitor(det.path, source, ro)); break;
      case 'ntff': model = await readNtff(det.path, source); break;
      default: model = emptyModel(det.format, source);
    }
  } catch (e) {
    if (isAbortError(e)) throw e;
    model = emptyModel(det.format, source);
    model.warnings.push(`Reading failed: ${errMessage(e)}. Nothing more could be read.`);
  }
  if (det.path !== path) model.metadata = { ...(model.metadata ?? {}), resolved_path: det.path };
  if (det.format !== 'ntff') await noteSiblingNtff(path, det, model);
  options.onProgress?.(1);
  return finalize(model, facts);
}

/** A capture directory read through its trace.json etc. may also hold .ntff device traces: say how to see them. */
async function noteSiblingNtff(path: string, det: Detection, model: ProfileModel): Promise<void> {
  try {
    if (!(await fsp.stat(path)).isDirectory()) return;
    const dir = (await fsp.stat(det.path)).isDirectory() ? det.path : dirname(det.path);
    const names = await fsp.readdir(dir);
    const ntffs = names.filter((f) => /\.ntff$/i.test(f)).sort();
    if (!ntffs.length) return;
    const ntff = join(dir, ntffs[0]);
    const argv = ntffConversionCommand(ntff, guessNeffForNtff(ntff, names) ?? undefined);
    model.insights.push({ id: 'ntff-available', severity: 'info',
      message: `This directory also holds ${ntffs.length} device trace(s) (${ntffs[0]}${ntffs.length > 1 ? ', …' : ''}); for engine-level detail convert one on the instance: \`${argv.join(' ')}\`.` });
  } catch {
    // best effort
  }
}

function finalize(model: ProfileModel, facts: InsightFacts): ProfileModel {
  model.insights = [...model.insights, ...computeInsights(model, facts)];
  return model;
}

/** True when nothing at all could be read (the CLI exits 2 then). */
export function isEmptyProfile(m: ProfileModel): boolean {
  return m.totalTimeNs === null && m.activeTimePercent === null && m.mfuPercent === null && !m.engines.length &&
    !m.topOps.length && !(m.timeline && m.timeline.totalEvents) && m.hbm === null && m.format !== 'ntff';
}
