// Worker thread: owns a parser and analyses the files the pool sends it.
import { parentPort, workerData } from 'node:worker_threads';
import { Analyzer } from '../analyzer';
import { analyzeFile, type RunSettings } from './analyzeFile';

const { settings, keepText } = workerData as { settings: RunSettings; keepText: boolean };

void Analyzer.create().then((analyzer) => {
  parentPort!.on('message', (m: { i: number; path: string }) => {
    let result;
    try {
      result = analyzeFile(analyzer, m.path, settings, keepText);
    } catch (e) {
      result = { path: m.path, findings: [], target: null, note: `internal error: ${(e as Error).message}` };
    }
    parentPort!.postMessage({ i: m.i, result });
  });
  parentPort!.postMessage({ ready: true });
});
