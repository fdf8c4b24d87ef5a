// Test helpers: analyse a Python snippet with the real parser and the real catalog.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Analyzer } from '../../src/core/analyzer';
import type { Finding, Target, TargetSetting } from '../../src/core/types';

let shared: Promise<Analyzer> | undefined;
export function analyzer(): Promise<Analyzer> {
  shared ??= Analyzer.create();
  return shared;
}

export interface Opts {
  target?: TargetSetting;
  select?: string[];
  ignore?: string[];
}

/** Findings for `code` (dedented), all rules unless `select` says otherwise. */
export async function analyze(code: string, o: Opts = {}): Promise<Finding[]> {
  const a = await analyzer();
  return a.analyzeText(dedent(code), { target: o.target ?? 'xla', select: o.select, ignore: o.ignore }).findings;
}

/** Findings of one rule only. */
export async function findingsOf(rule: string, code: string, target: Target = 'xla'): Promise<Finding[]> {
  return (await analyze(code, { target })).filter((f) => f.rule === rule);
}

/** `[line, column]` 1-based of each finding, the way the CLI prints them. */
export function at(fs: readonly Finding[]): [number, number][] {
  return fs.map((f) => [f.range.start.line + 1, f.range.start.character + 1]);
}

export function dedent(s: string): string {
  const lines = s.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

const temps: string[] = [];
/** A fresh directory under the OS temp dir, removed when the test run ends. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
// A root-level hook (registered when a test file first imports this module): the run leaves no temp dirs behind.
after(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
