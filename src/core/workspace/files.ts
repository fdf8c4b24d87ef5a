// Finding and reading the files to analyse: directories recursively, honouring .gitignore and
// exclude globs; binary, non-UTF-8, empty and oversized files are skipped with a reason.
import { readdirSync, readFileSync, statSync, existsSync, openSync, readSync, closeSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
const ALWAYS_SKIP = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.ipynb_checkpoints', 'site-packages', '.vscode-test']);

export function isAnalysable(path: string): boolean {
  return path.endsWith('.py') || path.endsWith('.ipynb');
}

export interface CollectResult {
  files: string[];
  missing: string[];
}

/** Expands paths (files or folders) into the .py/.ipynb files to analyse, sorted. */
export function collectFiles(paths: readonly string[], exclude: readonly string[] = [], cwd = process.cwd()): CollectResult {
  const isExcluded = exclude.length ? picomatch(exclude.map((g) => (g.includes('/') || g.startsWith('**') ? g : `**/${g}`)), { dot: true }) : () => false;
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) {
      missing.push(p);
      continue;
    }
    const st = statSync(abs);
    if (st.isFile()) {
      // An explicitly named file is analysed even if a glob would exclude it (like ruff's --force-exclude off).
      files.add(abs);
      continue;
    }
    const walk = (dir: string, ig: Ignore[], base: string[]) => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      let rules = ig;
      let bases = base;
      if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
        try {
          rules = [...ig, ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8'))];
          bases = [...base, dir];
        } catch {
          // unreadable .gitignore: keep the parent rules
        }
      }
      for (const e of entries) {
        if (ALWAYS_SKIP.has(e.name)) continue;
        const full = join(dir, e.name);
        const rel = relative(cwd, full).split(sep).join('/');
        if (isExcluded(rel) || isExcluded(full)) continue;
        const isDir = e.isDirectory();
        const ignored = rules.some((r, i) => {
          const relToBase = relative(bases[i], full).split(sep).join('/');
          return relToBase && !relToBase.startsWith('..') && r.ignores(isDir ? relToBase + '/' : relToBase);
        });
        if (ignored) continue;
        if (isDir) walk(full, rules, bases);
        else if (e.isFile() && isAnalysable(e.name)) files.add(full);
      }
    };
    walk(abs, [], []);
  }
  return { files: [...files].sort(), missing };
}

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

/** Reads a source file as UTF-8 text, or says why it is skipped. */
export function readSource(path: string, maxBytes = DEFAULT_MAX_BYTES): ReadResult {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    return { ok: false, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (size > maxBytes) return { ok: false, reason: `skipped: ${(size / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit` };
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    return { ok: false, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (buf.subarray(0, 8192).includes(0)) return { ok: false, reason: 'skipped: binary file' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return { ok: false, reason: 'skipped: not valid UTF-8' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

/** First bytes of a file (for sniffing). */
export function head(path: string, n = 4096): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
