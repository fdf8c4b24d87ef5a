// VS Code settings merged over pyproject.toml `[tool.neuron-lens]` (settings win in the editor).
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { AnalyzerSettings } from '../core/analyzer';
import type { SeverityOverride } from '../core/engine';
import { loadProjectConfig } from '../core/config/project';
import type { TargetSetting } from '../core/types';

export const SECTION = 'neuron';

export interface EditorSettings extends AnalyzerSettings {
  enable: boolean;
  exclude: string[];
  debounceMs: number;
  maxBytes: number;
  /** Rule ids / categories shown as hints (the engine reports them as `info`). */
  hints: Set<string>;
}

const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);

export function settingsFor(uri: vscode.Uri | undefined): EditorSettings {
  const c = vscode.workspace.getConfiguration(SECTION, uri);
  const fsPath = uri?.scheme === 'file' || uri?.scheme === 'vscode-notebook-cell' ? uri.fsPath : undefined;
  const project = fsPath ? loadProjectConfig(dirname(fsPath)) : null;
  const setTarget = c.get<TargetSetting>('target', 'auto');
  const severity = new Map<string, SeverityOverride>();
  const hints = new Set<string>();
  for (const [k, v] of Object.entries(c.get<Record<string, string>>('severity', {}))) {
    // `hint` shows as a hint in the editor; the engine knows it as `info`.
    if (v === 'hint') hints.add(k);
    const s = v === 'hint' ? 'info' : v;
    if (SEVERITIES.has(s)) severity.set(k, s as SeverityOverride);
  }
  const select = c.get<string[]>('select', []);
  return {
    enable: c.get<boolean>('enable', true),
    target: setTarget !== 'auto' ? setTarget : (project?.target ?? 'auto'),
    projectTarget: project?.pinnedTarget ?? null,
    select: select.length ? select : (project?.select ?? []),
    ignore: [...c.get<string[]>('ignore', []), ...(project?.ignore ?? [])],
    severity,
    exclude: [...c.get<string[]>('exclude', []), ...(project?.exclude ?? [])],
    debounceMs: c.get<number>('debounceMs', 150),
    maxBytes: c.get<number>('maxFileSizeKb', 2048) * 1024,
    hints,
  };
}
