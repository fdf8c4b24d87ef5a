// lineMatches (src/core/text.ts) stands in for `/^…/gm` scans: it must find exactly what the multiline regex finds.
import * as assert from 'node:assert/strict';
import { lineMatches } from '../../../src/core/text';
import { torchModule } from '../../../bench/corpus';

/** What `/^<source>/gm` finds in [from, to), as [index, match] pairs. */
function viaRegex(text: string, source: string, from = 0, to = text.length): [number, string][] {
  const re = new RegExp(`^(?:${source})`, 'gm');
  re.lastIndex = from;
  const out: [number, string][] = [];
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    out.push([m.index, m[0]]);
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}
const viaLines = (text: string, source: string, from?: number, to?: number): [number, string][] =>
  lineMatches(text, new RegExp(source, 'y'), from, to).map((m) => [m.index, m[0]]);

describe('lineMatches', () => {
  const DEF = '[ \\t]*(?:async[ \\t]+)?(def|class|for|while|with)\\b';
  it('finds what /^…/gm finds on a real-sized module, whole and in ranges', () => {
    const text = torchModule(600);
    const all = viaRegex(text, DEF);
    assert.ok(all.length > 50);
    assert.deepEqual(viaLines(text, DEF), all);
    for (const [from, to] of [[0, 100], [137, 4000], [text.indexOf('\nclass ') + 1, text.length], [text.indexOf('def ') + 2, 9000]]) {
      assert.deepEqual(viaLines(text, DEF, from, to), viaRegex(text, DEF, from, to), `range ${from}-${to}`);
    }
  });

  it('treats \\r, \\r\\n, U+2028 and U+2029 as line breaks like the multiline regex', () => {
    const text = 'x = 1\rdef a():\r\n    for i in y:\u2028class B:\u2029  with c:\n\n\nwhile 1: pass\r\r\nasync  def f(): pass';
    const got = viaLines(text, DEF);
    assert.deepEqual(got, viaRegex(text, DEF));
    assert.deepEqual(got.map(([, m]) => m.trim()), ['def', 'for', 'class', 'with', 'while', 'async  def']);
  });

  it('does not match mid-line, and starts at `from` only when it is a line start', () => {
    const text = 'a = 1; def_ = 2\nx = [c for c in d]\n  for q in r: pass\n';
    assert.deepEqual(viaLines(text, DEF).map(([i]) => i), [text.indexOf('  for q')]);
    // `from` inside the first line: the scan starts at the next line.
    assert.deepEqual(viaLines('for a in b: pass\nfor c in d: pass', DEF, 1).map(([i]) => i), [17]);
    assert.deepEqual(viaLines('for a in b: pass\nfor c in d: pass', DEF, 17, 18).map(([i]) => i), [17]);
    assert.deepEqual(viaLines('for a in b: pass\nfor c in d: pass', DEF, 0, 17).map(([i]) => i), [0]);
  });
});
