// Engine benchmark (issue #2). Prints, for each corpus, lines/s of parse-only and of full analysis
// (parse + semantic + all rules) measured in the same process, and their ratio; then p50/p95 of
// keystroke → diagnostics on a 5,000-line file with incremental re-parse.
// Run: npm run bench (or: node --require tsx/cjs bench/engine.ts)
import { Analyzer } from '../src/core/analyzer';
import { TreeCache } from '../src/core/python/treeCache';
import { IncrementalAnalysis } from '../src/core/incremental';
import { stdlibCorpus, torchCorpus, torchModule, torchProject, countLines, type Corpus } from './corpus';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/**
 * CPU time (user + system) of this single-threaded process, in ms. On a quiet machine it equals wall
 * time; on a shared one (CI, other jobs) it does not count time spent waiting for a core, so runs
 * stay comparable. Set BENCH_WALL=1 to measure wall time instead.
 */
function now(): number {
  if (process.env.BENCH_WALL) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timeIt(fn: () => void): number {
  const t0 = now();
  fn();
  return now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function benchCorpus(a: Analyzer, c: Corpus): { parseMs: number; checkMs: number; findings: number } {
  const settings = { target: 'auto' as const };
  const parse = () => {
    for (const f of c.files) a.parser.parse(f.text).delete();
  };
  let findings = 0;
  const check = () => {
    findings = 0;
    for (const f of c.files) findings += a.analyzeText(f.text, settings).findings.length;
  };
  parse();
  check(); // warm-up (JIT, caches)
  const p: number[] = [];
  const k: number[] = [];
  // Interleaved so machine noise hits both sides alike.
  for (let r = 0; r < ROUNDS; r++) {
    p.push(timeIt(parse));
    k.push(timeIt(check));
  }
  return { parseMs: median(p), checkMs: median(k), findings };
}

function keystrokes(a: Analyzer): { p50: number; p95: number; lines: number; parseP50: number; parseP95: number; anaP50: number; anaP95: number; fullP50: number; fullP95: number } {
  let text = torchModule(5000);
  const lines = countLines(text);
  const cache = new TreeCache(a.parser);
  cache.get('bench', 0, text);
  const lat: number[] = [];
  const parseLat: number[] = [];
  const fullLat: number[] = [];
  const anaLat: number[] = [];
  const inc = new IncrementalAnalysis(a);
  inc.analyzeFull(text, { target: 'auto' }, cache.get('bench', 0, text));
  let version = 0;
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let n = 0; n < 300; n++) {
    // Type one character at the end of a random line (like a user typing), then run the same
    // path as the extension: record the change, re-parse incrementally, analyse.
    const lineStarts: number[] = [0];
    for (let j = text.indexOf('\n'); j >= 0; j = text.indexOf('\n', j + 1)) lineStarts.push(j + 1);
    const line = Math.floor(rnd() * (lineStarts.length - 2));
    const offset = lineStarts[line + 1] - 1; // before the newline
    const ch = n % 10 === 9 ? '\n' : ' ';
    const character = offset - lineStarts[line];
    const t0 = now();
    cache.applyChanges('bench', [{ rangeOffset: offset, rangeLength: 0, text: ch, start: { line, character }, oldEnd: { line, character } }]);
    text = text.slice(0, offset) + ch + text.slice(offset);
    version++;
    const tree = cache.get('bench', version, text);
    const t1 = now();
    inc.analyze(text, { target: 'auto' }, tree);
    const t2 = now();
    lat.push(t2 - t0);
    parseLat.push(t1 - t0);
    anaLat.push(t2 - t1);
    // The full pass the editor runs when typing pauses (corrects cross-definition effects).
    if (n % 10 === 0) {
      const t3 = now();
      a.analyzeText(text, { target: 'auto' }, tree);
      fullLat.push(now() - t3);
    }
  }
  cache.clear();
  return { p50: percentile(lat, 50), p95: percentile(lat, 95), lines, parseP50: percentile(parseLat, 50), parseP95: percentile(parseLat, 95), anaP50: percentile(anaLat, 50), anaP95: percentile(anaLat, 95), fullP50: percentile(fullLat, 50), fullP95: percentile(fullLat, 95) };
}

async function main(): Promise<void> {
  const a = await Analyzer.create();
  console.log(`neuron-lens engine benchmark (node ${process.version}, ${a.rules({ target: 'auto' }).length} rules, median of ${ROUNDS} rounds, ${process.env.BENCH_WALL ? 'wall' : 'CPU'} time)`);
  for (const c of [stdlibCorpus(), torchProject(60), torchCorpus()]) {
    const r = benchCorpus(a, c);
    const lps = (ms: number) => Math.round(c.lines / (ms / 1000)).toLocaleString('en-US');
    console.log(`\n${c.name}: ${c.files.length} files, ${c.lines.toLocaleString('en-US')} lines, ${r.findings} findings`);
    console.log(`  parse-only : ${r.parseMs.toFixed(0).padStart(6)} ms  ${lps(r.parseMs).padStart(10)} lines/s`);
    console.log(`  check      : ${r.checkMs.toFixed(0).padStart(6)} ms  ${lps(r.checkMs).padStart(10)} lines/s`);
    console.log(`  ratio check/parse: ${(r.checkMs / r.parseMs).toFixed(2)}x  (target ≤ 1.40x)`);
  }
  const k = keystrokes(a);
  console.log(`\nkeystroke → diagnostics on a ${k.lines.toLocaleString('en-US')}-line module (300 edits; incremental re-parse + per-definition memo):`);
  console.log(`  p50 ${k.p50.toFixed(2)} ms, p95 ${k.p95.toFixed(2)} ms  (target p95 ≤ 15 ms)`);
  console.log(`    of which incremental parse: p50 ${k.parseP50.toFixed(2)} ms, p95 ${k.parseP95.toFixed(2)} ms; analysis: p50 ${k.anaP50.toFixed(2)} ms, p95 ${k.anaP95.toFixed(2)} ms`);
  console.log(`  idle full pass (whole file): p50 ${k.fullP50.toFixed(1)} ms, p95 ${k.fullP95.toFixed(1)} ms`);
}

void main();
