// Project settings shared by the CLI and the extension: `[tool.neuron-lens]` in pyproject.toml
// (target, select, ignore, exclude) and the torch-neuronx pins that decide the `auto` target.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Target, TargetSetting } from '../types';
import { detectTargetFromPins } from './target';

export interface ProjectConfig {
  /** Folder holding the pyproject.toml / requirements that apply, or the start folder. */
  root: string;
  target: TargetSetting | null;
  select: string[];
  ignore: string[];
  exclude: string[];
  /** Target implied by dependency pins, when they say. */
  pinnedTarget: Target | null;
  /** Problems reading the configuration (shown to the user, never fatal). */
  errors: string[];
}

const MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', '.git'];

const roots = new Map<string, string>();

/** The nearest folder above `start` with a project marker, cached (the editor asks on every keystroke). */
function findRoot(start: string): string {
  const key = resolve(start);
  let root = roots.get(key);
  if (!root) roots.set(key, (root = searchRoot(key)));
  return root;
}

function searchRoot(start: string): string {
  let dir = start;
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (let d = dir; ; d = dirname(d)) {
    if (MARKERS.some((m) => existsSync(join(d, m)))) return d;
    if (dirname(d) === d) return dir;
  }
}

function strings(v: unknown, key: string, errors: string[]): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  errors.push(`[tool.neuron-lens] ${key} must be a list of strings`);
  return [];
}

const cache = new Map<string, ProjectConfig>();

export function loadProjectConfig(start: string, useCache = true): ProjectConfig {
  const root = findRoot(start);
  const hit = useCache ? cache.get(root) : undefined;
  if (hit) return hit;
  const cfg: ProjectConfig = { root, target: null, select: [], ignore: [], exclude: [], pinnedTarget: null, errors: [] };
  const pinFiles: string[] = [];
  const pyproject = join(root, 'pyproject.toml');
  if (existsSync(pyproject)) {
    try {
      const text = readFileSync(pyproject, 'utf8');
      pinFiles.push(text);
      const doc = parseToml(text) as { tool?: Record<string, Record<string, unknown>> };
      const t = doc.tool?.['neuron-lens'];
      if (t) {
        if (t.target !== undefined) {
          if (t.target === 'auto' || t.target === 'xla' || t.target === 'native') cfg.target = t.target;
          else cfg.errors.push(`[tool.neuron-lens] target must be "auto", "xla" or "native", not ${JSON.stringify(t.target)}`);
        }
        cfg.select = strings(t.select, 'select', cfg.errors);
        cfg.ignore = strings(t.ignore, 'ignore', cfg.errors);
        cfg.exclude = strings(t.exclude, 'exclude', cfg.errors);
      }
    } catch (e) {
      cfg.errors.push(`pyproject.toml could not be parsed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  try {
    for (const f of readdirSync(root)) {
      if (/^requirements.*\.(txt|in)$/i.test(f) || f === 'setup.py' || f === 'setup.cfg') {
        const p = join(root, f);
        if (statSync(p).size < 1_000_000) pinFiles.push(readFileSync(p, 'utf8'));
      }
    }
  } catch {
    // unreadable folder: no pins
  }
  cfg.pinnedTarget = detectTargetFromPins(pinFiles);
  cache.set(root, cfg);
  return cfg;
}

export function clearProjectConfigCache(): void {
  cache.clear();
  roots.clear();
}
