// Which optimum-neuron API to write for: the version installed in the project's virtualenv, else the
// one pinned in requirements*.txt / pyproject.toml / setup.py (nearest folder upwards), else null
// (the fixers then use the newest API, 0.4.x).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

// `optimum-neuron==0.3.0` (requirements, PEP 621 lists) or `optimum-neuron = "^0.3.0"` (Poetry).
// A lower bound alone (`>=0.3`) says nothing about the API in use: the newest is assumed then.
const PIN = /\boptimum[-_]neuron\b["']?\s*(?:\[[^\]]*\])?\s*(===|==|~=|>=|<=|<|>|=\s*["'][\^~=<>]*)\s*v?(\d+\.\d+(?:\.\d+)?(?:\.?dev\d+)?)/i;

function installed(dir: string): string | null {
  for (const venv of ['.venv', 'venv', 'env']) {
    const lib = join(dir, venv, 'lib');
    if (!existsSync(lib)) continue;
    try {
      for (const py of readdirSync(lib)) {
        const site = join(lib, py, 'site-packages');
        if (!existsSync(site)) continue;
        for (const d of readdirSync(site)) {
          const m = /^optimum_neuron-(\d+\.\d+(?:\.\d+)?[\w.]*)\.dist-info$/.exec(d);
          if (m) return m[1];
        }
      }
    } catch {
      /* unreadable venv: ignore */
    }
  }
  return null;
}

function pinned(dir: string): string | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  const files = names.filter((n) => /^requirements.*\.(?:txt|in)$/i.test(n) || n === 'pyproject.toml' || n === 'setup.py' || n === 'setup.cfg');
  for (const f of files) {
    try {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const m = PIN.exec(line.replace(/#.*/, ''));
        if (!m) continue;
        // `>=0.3`, `>0.3`, Poetry `= ">=0.3"`: a lower bound only.
        if (/^=?>/.test(m[1].replace(/[\s"']/g, ''))) return null;
        return m[2];
      }
    } catch {
      /* ignore */
    }
  }
  return null;
}

/** The optimum-neuron version for code in `path` (a file or folder), or null. */
export function readOptimumNeuronPin(path: string): string | null {
  let dir = path;
  try {
    if (!statSync(path).isDirectory()) dir = dirname(path);
  } catch {
    dir = dirname(path);
  }
  for (let d = dir, i = 0; i < 8; d = dirname(d), i++) {
    const v = installed(d) ?? pinned(d);
    if (v) return v;
    if (existsSync(join(d, '.git')) || dirname(d) === d) break;
  }
  return null;
}
