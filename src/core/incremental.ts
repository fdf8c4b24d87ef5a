// Keystroke-speed analysis for the editor. Findings are memoised per top-level definition (def,
// class; the methods of a long class each on their own): while a user types inside one function, only
// that function (plus the module-level statements, which every definition may depend on) is
// re-analysed; the other definitions reuse their findings, shifted to their new lines.
//
// Correctness: a definition's findings may depend on the rest of the file (imports, module-level
// constants, which functions run a training step, which classes exist, the target stack). All of
// that is folded into a context key; when it changes, everything is recomputed. What the key
// cannot see (a rule reading text from another function) is corrected by the full pass the editor
// runs when typing pauses (`analyzeFull`).
import type { Node } from 'web-tree-sitter';
import type { ParsedModule } from './python/chunkedModule';
import type { Finding } from './types';
import type { Analyzer, AnalyzerSettings } from './analyzer';
import type { AnalysisResult } from './engine';
import { countNewlines } from './text';

interface Unit {
  start: number;
  end: number;
  row: number;
  text: string;
  isDef: boolean;
  /** The unit's node has a syntax error (a unit mapped from the last clean layout: the edited one). */
  broken: boolean;
  /** Memo key: the text, behind the class header for a method of a split class (same text, other class: other findings). */
  key: string;
}

/**
 * A class at least this long is split into its body statements (its methods become units of their own): as one
 * unit, typing in a 5,000-line class (a `Trainer`) re-analysed all of it on every key.
 */
const SPLIT_CLASS_LINES = 80;

interface Cached {
  /** Findings with lines relative to the unit's first line. */
  findings: Finding[];
  /** The same findings placed at `row` last time (reused while the unit does not move). */
  placed?: { row: number; findings: Finding[] };
}

const DEF_TYPES = new Set(['function_definition', 'class_definition', 'decorated_definition']);
const STEP = /\.\s*backward\s*\(|\boptimizer_step\s*\(|\.\s*step\s*\(|no_grad|inference_mode/;

function shift(f: Finding, dl: number): Finding {
  const mv = (r: Finding['range']) => ({ start: { line: r.start.line + dl, character: r.start.character }, end: { line: r.end.line + dl, character: r.end.character } });
  return { ...f, range: mv(f.range), related: f.related.map((r) => ({ ...r, range: mv(r.range) })) };
}

export interface IncrementalStats {
  units: number;
  reanalysed: number;
}

interface UnitFacts {
  names: string[];
  outline: string;
  step: boolean;
  calls: string[];
}

export class IncrementalAnalysis {
  private contextKey = '';
  private readonly facts = new Map<string, UnitFacts>();
  private readonly cache = new Map<string, Cached>();
  /** The units of the last analysis whose tree had no syntax error, and its text (see `mapLayout`). */
  private layout: { text: string; units: Unit[]; headers: string[] } | null = null;
  lastStats: IncrementalStats = { units: 0, reanalysed: 0 };

  constructor(private readonly analyzer: Analyzer) {}

  /** Full analysis; also refreshes the per-definition memo. */
  analyzeFull(text: string, settings: AnalyzerSettings, tree: ParsedModule): AnalysisResult {
    this.cache.clear();
    this.contextKey = '';
    return this.analyze(text, settings, tree);
  }

  analyze(text: string, settings: AnalyzerSettings, tree: ParsedModule): AnalysisResult {
    let units: Unit[] = [];
    let headers: string[] = [];
    const unit = (n: Node, scope = ''): Unit => {
      const t = text.slice(n.startIndex, n.endIndex);
      return { start: n.startIndex, end: n.endIndex, row: n.startPosition.row, text: t, isDef: DEF_TYPES.has(n.type), broken: n.hasError, key: scope ? `${scope}\u0000${t}` : t };
    };
    for (const n of tree.rootNode.namedChildren) {
      const body = n.type === 'class_definition' || n.type === 'decorated_definition' ? classBody(n) : null;
      if (body && countNewlines(text, n.startIndex, n.endIndex) + 1 >= SPLIT_CLASS_LINES) {
        // Decorators and the `class` line: analysed every time (a gap between units) and part of the context key.
        const header = text.slice(n.startIndex, body.startIndex);
        headers.push(header);
        for (const m of body.namedChildren) units.push(unit(m, header));
        continue;
      }
      units.push(unit(n));
    }
    const broken = units.some((u) => u.broken);
    if (!broken) this.layout = { text, units, headers };
    else if (this.layout) {
      // Typing `y = x.sum(` in a long class can turn the whole class (or file) into one ERROR node: the
      // units are then the last clean ones, moved by the text change, and the edited one is re-analysed.
      units = mapLayout(this.layout, text);
      headers = this.layout.headers;
    }
    const key = this.keyOf(text, units, headers, settings);
    // While the file has a syntax error (typing `foo(` before the `)`), tree-sitter's recovery cuts the
    // broken definition into other top-level pieces, which changes the key on every keystroke. Keep
    // the memo and the last good key then: the pieces are new texts and are analysed, the other
    // definitions keep their findings, and closing the bracket brings the old key back. What the
    // broken text changed elsewhere shows after the fix, or in the full pass when typing pauses.
    if (key !== this.contextKey && !(this.contextKey && broken)) {
      this.cache.clear();
      this.contextKey = key;
    }
    // Module-level code is always re-analysed; definitions only when their text is new.
    const dirty = units.filter((u) => !u.isDef || !this.cache.has(u.key));
    const ranges: [number, number][] = [];
    // Comments and blank lines between units belong to no unit: include the gaps so a trigger
    // there is still seen (they are cheap, and rules ignore comments anyway).
    let prevEnd = 0;
    for (const u of units) {
      if (u.start > prevEnd) ranges.push([prevEnd, u.start]);
      if (dirty.includes(u)) ranges.push([u.start, u.end]);
      prevEnd = u.end;
    }
    if (prevEnd < text.length) ranges.push([prevEnd, text.length]);
    const merged: [number, number][] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && last[1] >= r[0]) last[1] = Math.max(last[1], r[1]);
      else merged.push([...r]);
    }
    const origins = new Map<Finding, number>();
    const r = this.analyzer.analyzeText(text, { ...settings, ranges: merged, origins }, tree);

    // Memoise the findings of each re-analysed definition that stay inside it.
    const byUnit = new Map<Unit, Finding[]>();
    for (const f of r.findings) {
      const o = origins.get(f) ?? -1;
      const u = dirty.find((x) => x.isDef && o >= x.start && o < x.end);
      if (u) byUnit.set(u, [...(byUnit.get(u) ?? []), f]);
    }
    for (const u of dirty) {
      if (!u.isDef) continue;
      const fs = byUnit.get(u) ?? [];
      const endRow = u.row + (u.text.match(/\n/g)?.length ?? 0);
      const inside = (rg: Finding['range']) => rg.start.line >= u.row && rg.end.line <= endRow;
      if (fs.every((f) => inside(f.range) && f.related.every((x) => inside(x.range) && x.cell === undefined))) {
        this.cache.set(u.key, { findings: fs.map((f) => shift(f, -u.row)) });
      }
    }
    const out = [...r.findings];
    const seen = new Set(out.map((f) => `${f.rule}:${f.range.start.line}:${f.range.start.character}`));
    for (const u of units) {
      if (!u.isDef || dirty.includes(u)) continue;
      const c = this.cache.get(u.key)!;
      if (c.placed?.row !== u.row) c.placed = { row: u.row, findings: c.findings.map((f) => shift(f, u.row)) };
      for (const g of c.placed.findings) {
        const k = `${g.rule}:${g.range.start.line}:${g.range.start.character}`;
        if (!seen.has(k)) {
          seen.add(k);
          out.push(g);
        }
      }
    }
    out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
    // Forget definitions that no longer exist (every keystroke makes a new text for the one edited).
    const live = new Set(units.map((u) => u.key));
    for (const k of this.cache.keys()) if (!live.has(k)) this.cache.delete(k);
    const texts = new Set(units.map((u) => u.text));
    for (const k of this.facts.keys()) if (!texts.has(k)) this.facts.delete(k);
    this.lastStats = { units: units.length, reanalysed: dirty.length };
    return { findings: out, target: r.target };
  }

  /**
   * What a definition's findings may depend on outside itself: module-level code (imports,
   * constants, scripts), the settings, and each definition's outline (its header, the names it
   * defines, whether it runs a training step and which same-file functions it calls).
   */
  private keyOf(text: string, units: Unit[], headers: string[], settings: AnalyzerSettings): string {
    const parts: string[] = [JSON.stringify([settings.target, settings.projectTarget, settings.select, settings.ignore, [...(settings.severity ?? [])]])];
    for (const h of headers) parts.push(h.replace(/\s+/g, ''));
    const facts = units.map((u) => (u.isDef ? this.factsOf(u.text) : null));
    const defNames = new Set<string>();
    for (const f of facts) if (f) for (const n of f.names) defNames.add(n);
    units.forEach((u, i) => {
      const f = facts[i];
      if (!f) parts.push(u.text);
      else parts.push(`${f.outline}|${f.step}|${f.calls.filter((n) => defNames.has(n)).join(',')}`);
    });
    // Global switches that can appear anywhere in the file.
    parts.push(String(/neuron:\s*ignore-file/.test(text.split('\n', 20).join('\n'))), String(/["']neuron["']/.test(text)), String(/torch_xla|MpDeviceLoader|mark_step|\.sync\(/.test(text)));
    return parts.join('\u0000');
  }

  /** What other definitions can see of a definition, memoised by its text (most do not change). */
  private factsOf(unitText: string): UnitFacts {
    let f = this.facts.get(unitText);
    if (!f) {
      const outline: string[] = [];
      for (const line of unitText.split('\n')) {
        const t = line.trimStart();
        // Whitespace-insensitive: spaces typed in a header do not change what other definitions see.
        if (t.startsWith('def ') || t.startsWith('class ') || t.startsWith('async def ') || t.startsWith('@')) outline.push(t.replace(/\s+/g, ''));
      }
      f = {
        names: [...unitText.matchAll(/^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)/gm)].map((m) => m[1]),
        outline: outline.join('\n'),
        step: STEP.test(unitText),
        calls: [...new Set([...unitText.matchAll(/\b(\w+)\s*\(/g)].map((m) => m[1]))].sort(),
      };
      this.facts.set(unitText, f);
    }
    return f;
  }
}

/** The body of a class definition (decorated or not). */
function classBody(n: Node): Node | null {
  const cls = n.type === 'decorated_definition' ? n.childForFieldName('definition') : n;
  return cls?.type === 'class_definition' ? cls.childForFieldName('body') : null;
}

/**
 * The units of a clean layout placed in `text`: the text both share at the start and at the end is
 * found, units inside it keep their memo keys (moved by the length and line count of the change), and
 * the units the change touches become one unit of new text that is always re-analysed.
 */
function mapLayout(layout: { text: string; units: Unit[] }, text: string): Unit[] {
  const old = layout.text;
  const max = Math.min(old.length, text.length);
  let p = 0;
  while (p < max && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && old.charCodeAt(old.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  const oldEnd = old.length - s;
  const delta = text.length - old.length;
  const rows = countNewlines(text, p, text.length - s) - countNewlines(old, p, oldEnd);
  const out: Unit[] = [];
  let touched: Unit | null = null;
  for (const u of layout.units) {
    if (u.end <= p) out.push(u);
    else if (u.start >= oldEnd) out.push({ ...u, start: u.start + delta, end: u.end + delta, row: u.row + rows });
    else if (!touched) {
      touched = { ...u, end: u.end + delta, isDef: false, broken: true };
      out.push(touched);
    } else touched.end = u.end + delta;
  }
  if (!touched) return out; // the change is between units (in a gap, which is analysed anyway)
  touched.end = Math.max(touched.end, text.length - s);
  touched.text = text.slice(touched.start, touched.end);
  touched.key = touched.text;
  return out;
}
