// Pure Node helpers of the profile viewer host (no `vscode` import, so plain-Node tests cover them):
// finding the Neuron tools, quoting a command line, running a tool, and where a source path may be.
import { spawn } from 'node:child_process';
import { constants, promises as fsp } from 'node:fs';
import { delimiter, isAbsolute, join, normalize, dirname } from 'node:path';

export const NEURON_TOOLS = ['neuron-explorer', 'neuron-profile'] as const;
export type NeuronTool = (typeof NEURON_TOOLS)[number];
/** Where the Neuron SDK installs its tools (not always on PATH). */
export const NEURON_BIN_DIRS = ['/opt/aws/neuron/bin'];

export interface FoundTool {
  name: NeuronTool;
  path: string;
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    const st = await fsp.stat(p);
    if (!st.isFile()) return false;
    await fsp.access(p, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first of neuron-explorer, neuron-profile found in $NEURON_TOOLS_DIR (for installs off PATH), on PATH,
 * then in /opt/aws/neuron/bin.
 */
export async function findNeuronTool(env: NodeJS.ProcessEnv = process.env, extraDirs: string[] = NEURON_BIN_DIRS): Promise<FoundTool | null> {
  const dirs = [...(env.NEURON_TOOLS_DIR ?? '').split(delimiter), ...(env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').concat('') : [''];
  for (const name of NEURON_TOOLS) {
    for (const d of dirs) {
      for (const ext of exts) {
        const p = join(d, name + ext);
        if (await isExecutable(p)) return { name, path: p };
      }
    }
  }
  return null;
}

/** POSIX-shell quoting for display (the tool itself is spawned without a shell). */
export function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}

export interface ToolRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stdout+stderr. */
  tail: string[];
}

/** Runs argv (no shell), streams its output, and resolves when it exits; `signal` aborts it (SIGTERM). */
export function runTool(argv: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; onOutput?: (text: string) => void; signal?: AbortSignal; tailLines?: number }): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    const max = o.tailLines ?? 40;
    // Its own process group on POSIX, so cancelling also stops the tool's children (which hold the pipes open).
    const posix = process.platform !== 'win32';
    const child = spawn(argv[0], argv.slice(1), { cwd: o.cwd, env: o.env ?? process.env, shell: false, windowsHide: true, detached: posix });
    const onData = (b: Buffer): void => {
      const text = b.toString('utf8');
      o.onOutput?.(text);
      for (const line of text.split(/\r?\n/)) if (line.trim()) tail.push(line);
      if (tail.length > max) tail.splice(0, tail.length - max);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const abort = (): void => {
      try {
        if (posix && child.pid) process.kill(-child.pid, 'SIGTERM');
        else child.kill('SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    };
    if (o.signal?.aborted) abort();
    o.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (e) => {
      o.signal?.removeEventListener('abort', abort);
      reject(e);
    });
    child.on('close', (code, signal) => {
      o.signal?.removeEventListener('abort', abort);
      resolve({ code, signal, tail });
    });
  });
}

/** The environment the Neuron tools need: HOME set, /opt/aws/neuron/bin on PATH. */
export function toolEnv(base: NodeJS.ProcessEnv, fallbackHome: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, HOME: base.HOME ?? fallbackHome };
  env.PATH = [base.PATH ?? '', ...NEURON_BIN_DIRS].filter(Boolean).join(delimiter);
  return env;
}

/**
 * Where a source path from a profile may be, in order: itself when absolute; relative to each workspace
 * folder; relative to the profile's directory and up to three parents. null for anything that is not a
 * plain path (URLs and other schemes coming from the profile are never opened).
 */
export function sourceCandidates(file: string, profilePath: string, workspaceFolders: string[]): string[] | null {
  if (!file || file.length > 4096 || /^[a-z][a-z0-9+.-]+:\/\//i.test(file) || file.includes('\0')) return null;
  const clean = normalize(file.replace(/\\/g, '/'));
  if (isAbsolute(clean)) return [clean];
  const rel = clean.replace(/^(\.\/)+/, '');
  const out: string[] = workspaceFolders.map((f) => join(f, rel));
  let dir = dirname(profilePath);
  for (let i = 0; i < 4; i++) {
    out.push(join(dir, rel));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return [...new Set(out)];
}
