// Per-rule cost on the torch corpora: how often each rule is visited, how often a visit reports, and the CPU
// time its visits take (summed over the corpus, median of rounds). Tells where to add text pre-checks.
// Run: node --require tsx/cjs bench/rules.ts [projects|dense|stdlib] [top N]
import { Analyzer } from '../src/core/analyzer';
import { ALL_RULES } from '../src/core/rules';
import type { Rule } from '../src/core/rules/api';
import { stdlibCorpus, torchCorpus, torchProject } from './corpus';

interface Cost { visits: number; reports: number; us: number }

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'projects';
  const top = Number(process.argv[3] ?? 25);
  const corpus = which === 'dense' ? torchCorpus() : which === 'stdlib' ? stdlibCorpus() : torchProject(60);
  const a = await Analyzer.create();
  const costs = new Map<string, Cost>();
  // Wrap each rule's visit (and report) once; the rules array is shared, so restore afterwards.
  const originals = new Map<Rule, Rule['visit']>();
  for (const r of ALL_RULES as Rule[]) {
    const visit = r.visit;
    originals.set(r, visit);
    const c: Cost = { visits: 0, reports: 0, us: 0 };
    costs.set(r.id, c);
    r.visit = function (hit, ctx) {
      const report = ctx.report;
      const wrapped = { ...ctx, report: (...args: Parameters<typeof report>) => { c.reports++; return report(...args); } };
      c.visits++;
      const t0 = performance.now();
      try {
        return visit.call(this, hit, wrapped);
      } finally {
        c.us += (performance.now() - t0) * 1000;
      }
    };
  }
  const run = () => { for (const f of corpus.files) a.analyzeText(f.text, { target: 'auto' }); };
  run();
  for (const c of costs.values()) Object.assign(c, { visits: 0, reports: 0, us: 0 });
  const t0 = performance.now();
  run();
  const total = performance.now() - t0;
  for (const [r, v] of originals) r.visit = v;
  const rows = [...costs.entries()].filter(([, c]) => c.visits).sort((x, y) => y[1].us - x[1].us);
  const ruleMs = rows.reduce((s, [, c]) => s + c.us, 0) / 1000;
  console.log(`${corpus.name}: ${corpus.lines} lines, total ${total.toFixed(0)} ms, in rule visits ${ruleMs.toFixed(0)} ms`);
  console.log('rule     visits  reports   ms    µs/visit');
  for (const [id, c] of rows.slice(0, top)) {
    console.log(`${id}  ${String(c.visits).padStart(7)} ${String(c.reports).padStart(7)} ${(c.us / 1000).toFixed(1).padStart(6)} ${(c.us / c.visits).toFixed(1).padStart(8)}`);
  }
}

void main();
