// One file on disk → findings, with the project's configuration applied. Shared by the CLI's
// in-process path and the worker threads.
import { dirname } from 'node:path';
import type { Finding, Target, TargetSetting } from '../types';
import type { Analyzer } from '../analyzer';
import type { SeverityOverride } from '../engine';
import { loadProjectConfig } from '../config/project';
import { parseIpynb } from '../notebook';
import { readSource, DEFAULT_MAX_BYTES } from './files';

export interface RunSettings {
  target: TargetSetting;
  /** From the command line; `null` means "use the project's". */
  select: string[] | null;
  ignore: string[];
  severity?: Record<string, SeverityOverride>;
  maxBytes?: number;
  /** Ignore pyproject.toml `[tool.neuron-lens]` (the editor passes its own merged settings). */
  noProjectConfig?: boolean;
}

export interface FileResult {
  path: string;
  findings: Finding[];
  target: Target | null;
  /** Why the file was skipped or only partly analysed. */
  note?: string;
  /** Source text, kept only when asked (fixes need it). */
  text?: string;
}

export function analyzeFile(analyzer: Analyzer, path: string, s: RunSettings, keepText = false): FileResult {
  const src = readSource(path, s.maxBytes ?? DEFAULT_MAX_BYTES);
  if (!src.ok) return { path, findings: [], target: null, note: src.reason };
  const project = s.noProjectConfig ? null : loadProjectConfig(dirname(path));
  const target: TargetSetting = s.target !== 'auto' ? s.target : (project?.target ?? 'auto');
  const settings = {
    target,
    projectTarget: project?.pinnedTarget ?? null,
    select: s.select ?? project?.select ?? [],
    ignore: [...s.ignore, ...(project?.ignore ?? [])],
    severity: s.severity ? new Map(Object.entries(s.severity)) : undefined,
  };
  const keep = keepText ? { text: src.text } : {};
  if (src.text.trim() === '') return { path, findings: [], target: null, note: 'empty file', ...keep };
  if (path.endsWith('.ipynb')) {
    try {
      const nb = parseIpynb(src.text);
      if (!/python/i.test(nb.language)) return { path, findings: [], target: null, note: `skipped: notebook language is ${nb.language}` };
      const r = analyzer.analyzeNotebook(
        nb.cells.filter((c) => c.kind === 'code'),
        settings,
      );
      return { path, findings: r.findings, target: r.target, ...keep };
    } catch (e) {
      return { path, findings: [], target: null, note: `skipped: ${(e as Error).message}` };
    }
  }
  const r = analyzer.analyzeText(src.text, settings);
  return { path, findings: r.findings, target: r.target, ...keep };
}
