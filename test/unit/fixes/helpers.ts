// Shared helpers for the fix-engine tests: the real analyzer and fix engine, fixpoint fixing, and the
// safety properties every fix must keep.
import * as assert from 'node:assert/strict';
import { analyzer } from '../helpers';
import { fixAll, fixEngine, type FixEngine } from '../../../src/core/fixes';
import type { FixAllResult } from '../../../src/core/fixes';
import type { Finding, Target } from '../../../src/core/types';
import type { Analyzer } from '../../../src/core/analyzer';

export interface Tools {
  a: Analyzer;
  fe: FixEngine;
}

let tools: Promise<Tools> | undefined;
export function getTools(): Promise<Tools> {
  tools ??= (async () => ({ a: await analyzer(), fe: await fixEngine() }))();
  return tools;
}

export function analyzeFn(a: Analyzer, target: Target) {
  return (text: string, t?: Target) => a.analyzeText(text, { target: t ?? target });
}

export async function fixText(text: string, target: Target, optimumNeuronVersion?: string): Promise<FixAllResult> {
  const { a, fe } = await getTools();
  return fixAll(fe, text, analyzeFn(a, target), { optimumNeuronVersion });
}

function countSyntaxErrors(a: Analyzer, text: string): number {
  const t = a.parser.parse(text);
  try {
    let n = 0;
    const walk = (node: typeof t.rootNode) => {
      if (!node.hasError && !node.isMissing) return;
      if (node.isError || node.isMissing) {
        n++;
        return;
      }
      for (const c of node.children) if (c) walk(c);
    };
    walk(t.rootNode);
    return n;
  } finally {
    t.delete();
  }
}

const perRule = (fs: readonly Finding[], severity?: string) => {
  const m = new Map<string, number>();
  for (const f of fs) if (!severity || f.severity === severity) m.set(f.rule, (m.get(f.rule) ?? 0) + 1);
  return m;
};

/**
 * The safety properties: the fixed text parses with no new syntax errors; fixing it again changes
 * nothing; every rule a fix was applied for has fewer findings; no rule gains error findings.
 */
export async function assertSafe(name: string, before: string, res: FixAllResult, target: Target, allowNew: readonly string[] = [], optimumNeuronVersion?: string): Promise<void> {
  const { a, fe } = await getTools();
  assert.ok(countSyntaxErrors(a, res.text) <= countSyntaxErrors(a, before), `${name}: the fixed text has new syntax errors\n${res.text}`);
  const again = fixAll(fe, res.text, analyzeFn(a, target), { optimumNeuronVersion });
  assert.equal(again.text, res.text, `${name}: fixing twice changes the text again (not idempotent)`);
  const fb = a.analyzeText(before, { target }).findings;
  const fa = a.analyzeText(res.text, { target }).findings;
  const b = perRule(fb);
  const after = perRule(fa);
  for (const rule of new Set(res.applied)) assert.ok((after.get(rule) ?? 0) === 0 || (after.get(rule) ?? 0) < (b.get(rule) ?? 0), `${name}: ${rule} was fixed but its findings did not go down (${b.get(rule)} → ${after.get(rule) ?? 0})`);
  const eb = perRule(fb, 'error');
  for (const [rule, n] of perRule(fa, 'error')) assert.ok(allowNew.includes(rule) || n <= (eb.get(rule) ?? 0), `${name}: new error finding ${rule} after fixing:\n${fa.filter((f) => f.rule === rule).map((f) => `  line ${f.range.start.line + 1}: ${f.message}`).join('\n')}\n${res.text}`);
}
