// Plain-Node tests of the profile viewer's host-side pure parts: the page + CSP, the message validation,
// finding and running neuron-explorer (a fake one on a temp PATH), and where source paths may be.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadProfile, ntffConversionCommand } from '../../src/core/profile';
import { contentSecurityPolicy, makeNonce, profileHtml } from '../../src/extension/profile/html';
import { findNeuronTool, runTool, shellQuote, sourceCandidates, toolEnv } from '../../src/extension/profile/tools';
import { csvCell, isHostToWebview, isWebviewToHost, toCsv } from '../../src/webview/profile/protocol';
import { ROOT } from './harness';

describe('profile viewer host (plain Node)', function () {
  this.timeout(20000);

  it('builds the page with a strict, nonce-based CSP and no inline code', () => {
    const nonce = makeNonce();
    assert.match(nonce, /^[A-Za-z0-9]{20,}$/);
    assert.notEqual(nonce, makeNonce());
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', nonce);
    assert.equal(csp, `default-src 'none'; img-src https://x.vscode-cdn.net data:; style-src https://x.vscode-cdn.net; script-src 'nonce-${nonce}';`);
    const html = profileHtml({ cspSource: 'https://x.vscode-cdn.net', nonce, scriptUri: 'https://x/dist/webview-profile.js', chartUri: 'https://x/dist/chart.umd.min.js', styleUri: 'https://x/dist/profile.css', title: '<b>"t"</b>' });
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${csp.replace(/'/g, "'")}">`));
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.equal(scripts.length, 2);
    for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`) && s.includes(' src="'), s);
    assert.ok(!/<style|style=/.test(html), 'no inline styles');
    assert.ok(html.includes('&lt;b&gt;&quot;t&quot;&lt;/b&gt;'), 'title escaped');
    assert.ok(!/unsafe-inline|unsafe-eval|https?:\/\/(?!x)/.test(csp));
  });

  it('validates webview messages', () => {
    assert.ok(isWebviewToHost({ type: 'ready' }));
    assert.ok(isWebviewToHost({ type: 'openSource', file: 'model.py', line: 42 }));
    for (const bad of [null, 'ready', { type: 'eval' }, { type: 'openSource', file: '', line: 1 }, { type: 'openSource', file: 'a.py', line: '3' }, { type: 'openSource', file: 'a.py', line: Infinity }, { type: 'openSource', file: 'x'.repeat(5000), line: 1 }]) {
      assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad)?.slice(0, 60));
    }
    assert.ok(isHostToWebview({ type: 'model', source: '', model: {} }));
    assert.equal(isHostToWebview({ type: 'other' }), false);
  });

  it('lists where a source path may be, and refuses URLs', () => {
    assert.deepEqual(sourceCandidates('/abs/model.py', '/p/prof/x.json', ['/ws']), ['/abs/model.py']);
    assert.deepEqual(sourceCandidates('./pkg/model.py', '/p/prof/x.json', ['/ws', '/ws2']), ['/ws/pkg/model.py', '/ws2/pkg/model.py', '/p/prof/pkg/model.py', '/p/pkg/model.py', '/pkg/model.py']);
    assert.deepEqual(sourceCandidates('pkg\\model.py', '/x.json', []), ['/pkg/model.py']);
    assert.equal(sourceCandidates('https://evil.example/x.py', '/p/x.json', ['/ws']), null);
    assert.equal(sourceCandidates('vscode://ext/x', '/p/x.json', ['/ws']), null);
    assert.equal(sourceCandidates('', '/p/x.json', ['/ws']), null);
  });

  it('writes CSV cells safely (quotes, formulas)', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell(-2), '-2');
    assert.equal(csvCell(null), '');
    assert.equal(toCsv(['a', 'b'], [[1, 'x\ny']]), 'a,b\r\n1,"x\ny"\r\n');
    assert.ok(isWebviewToHost({ type: 'exportCsv', fileName: 'x.csv', csv: 'a' }));
    assert.equal(isWebviewToHost({ type: 'exportCsv', fileName: 3, csv: 'a' }), false);
  });

  it('quotes command lines for display', () => {
    assert.equal(shellQuote(['neuron-explorer', 'view', '-s', "/tmp/a b/it's.ntff"]), "neuron-explorer view -s '/tmp/a b/it'\\''s.ntff'");
  });

  describe('with a fake neuron-explorer on PATH', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'neuron-tool-'));
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'cap'));
      // Writes the Parquet sample where --output-file says, like `neuron-explorer view --output-format parquet`.
      const tool = join(dir, 'bin', 'neuron-explorer');
      writeFileSync(tool, `#!/bin/sh
echo "neuron-explorer (fake) $*"
out=""
while [ $# -gt 0 ]; do [ "$1" = "--output-file" ] && out="$2"; shift; done
[ -n "$FAKE_FAIL" ] && { echo "ERROR: NTFF version 130 is not supported" >&2; exit 3; }
[ -n "$FAKE_SLEEP" ] && sleep 30
cp -r "${join(ROOT, 'samples/profiles/mlp@latest')}" "$out"
echo "wrote $out"
`);
      chmodSync(tool, 0o755);
      writeFileSync(join(dir, 'bin', 'neuron-profile'), 'not executable');
      writeFileSync(join(dir, 'cap', 'profile.ntff'), Buffer.from([1, 2, 3]));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('finds it on PATH (executables only) and not elsewhere', async () => {
      const found = await findNeuronTool({ PATH: [join(dir, 'nope'), join(dir, 'bin')].join(delimiter) }, []);
      assert.deepEqual(found, { name: 'neuron-explorer', path: join(dir, 'bin', 'neuron-explorer') });
      assert.equal(await findNeuronTool({ PATH: join(dir, 'cap') }, []), null);
      assert.equal((await findNeuronTool({ PATH: '', NEURON_TOOLS_DIR: join(dir, 'bin') }, []))?.name, 'neuron-explorer', '$NEURON_TOOLS_DIR');
    });

    it('runs the conversion argv and the result loads as a Parquet profile', async function () {
      if (!existsSync(join(ROOT, 'samples/profiles/mlp@latest'))) this.skip();
      const ntff = join(dir, 'cap', 'profile.ntff');
      const argv = ntffConversionCommand(ntff, undefined, { tool: 'neuron-explorer' });
      const out = argv[argv.indexOf('--output-file') + 1];
      let streamed = '';
      const run = await runTool([join(dir, 'bin', 'neuron-explorer'), ...argv.slice(1)], { cwd: join(dir, 'cap'), env: toolEnv({ PATH: process.env.PATH }, dir), onOutput: (t) => (streamed += t) });
      assert.equal(run.code, 0, run.tail.join('\n'));
      assert.match(streamed, /fake\) view -d .* --output-format parquet --output-file/);
      const model = await loadProfile(out);
      assert.equal(model.format, 'parquet');
      assert.ok(model.timeline && model.timeline.start.length > 0);
    });

    it('reports a failing tool with the tail of its output', async () => {
      const run = await runTool([join(dir, 'bin', 'neuron-explorer'), 'view', '--output-file', join(dir, 'x')], { cwd: dir, env: { ...process.env, FAKE_FAIL: '1' } });
      assert.equal(run.code, 3);
      assert.match(run.tail.join('\n'), /NTFF version 130 is not supported/);
    });

    it('cancels a running tool', async () => {
      const ac = new AbortController();
      const t0 = Date.now();
      const p = runTool([join(dir, 'bin', 'neuron-explorer'), 'view', '--output-file', join(dir, 'y')], { cwd: dir, env: { ...process.env, FAKE_SLEEP: '1' }, signal: ac.signal });
      setTimeout(() => ac.abort(), 300);
      const run = await p;
      assert.ok(run.signal === 'SIGTERM' || run.code !== 0);
      assert.ok(Date.now() - t0 < 10000);
    });
  });
});
