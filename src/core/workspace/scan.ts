// Analyses many files, on worker threads when there are enough of them to pay for start-up.
// Results come back in input order; progress and cancellation are reported per file.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Analyzer } from '../analyzer';
import { analyzeFile, type FileResult, type RunSettings } from './analyzeFile';

export interface ScanOptions {
  /** Worker script (the bundle's dist/worker.js). Without it, files are analysed in-process. */
  workerScript?: string;
  workers?: number;
  keepText?: boolean;
  onProgress?(done: number, total: number, path: string): void;
  signal?: AbortSignal;
}

export const MIN_FILES_FOR_WORKERS = 24;

export function defaultWorkerScript(): string | undefined {
  const p = join(__dirname, 'worker.js');
  return existsSync(p) ? p : undefined;
}

export async function scanFiles(analyzer: Analyzer, files: readonly string[], settings: RunSettings, o: ScanOptions = {}): Promise<FileResult[]> {
  const nWorkers = Math.min(o.workers ?? Math.max(1, availableParallelism() - 0), 8, Math.ceil(files.length / 8));
  if (!o.workerScript || files.length < MIN_FILES_FOR_WORKERS || nWorkers < 2) {
    const out: FileResult[] = [];
    for (let i = 0; i < files.length; i++) {
      if (o.signal?.aborted) break;
      out.push(analyzeFile(analyzer, files[i], settings, o.keepText));
      o.onProgress?.(i + 1, files.length, files[i]);
      // Yield now and then so a caller's event loop (progress UI, cancel) stays responsive.
      if (i % 16 === 15) await new Promise((r) => setImmediate(r));
    }
    return out;
  }
  const results: FileResult[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  await new Promise<void>((resolve, reject) => {
    let live = nWorkers;
    const finish = () => {
      if (--live === 0) resolve();
    };
    o.signal?.addEventListener('abort', () => {
      for (const w of workers) void w.terminate();
      resolve();
    });
    for (let k = 0; k < nWorkers; k++) {
      const w = new Worker(o.workerScript!, { workerData: { settings, keepText: !!o.keepText } });
      workers.push(w);
      const feed = () => {
        if (next < files.length && !o.signal?.aborted) {
          const i = next++;
          w.postMessage({ i, path: files[i] });
        } else {
          void w.terminate().then(finish);
        }
      };
      w.on('message', (m: { i: number; result: FileResult } | { ready: true }) => {
        if ('result' in m) {
          results[m.i] = m.result;
          done++;
          o.onProgress?.(done, files.length, files[m.i]);
        }
        feed();
      });
      w.on('error', reject);
    }
  });
  return results.filter(Boolean);
}
