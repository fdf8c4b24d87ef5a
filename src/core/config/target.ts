// Which Neuron PyTorch stack the code targets: PyTorch/XLA (torch-neuronx ≤ 2.9, Optimum Neuron)
// or native TorchNeuron (torch-neuronx ≥ 2.14, device "neuron").
import type { Target } from '../types';
import type { SemanticModel } from '../semantic/model';

const XLA_MODULES = ['torch_xla', 'optimum.neuron', 'neuronx_distributed', 'torch_neuronx.xla_impl'];
const NATIVE_USE = /\.to\(\s*["']neuron["']|torch\.device\(\s*["']neuron|device\s*=\s*["']neuron["']|backend\s*=\s*["']neuron["']/;

/** From the file alone: its imports and its device strings. Null when the file does not say. */
export function detectTargetFromFile(sem: SemanticModel, text: string): Target | null {
  if (XLA_MODULES.some((m) => sem.imports_(m))) return 'xla';
  if (text.includes('neuron') && NATIVE_USE.test(text)) return 'native'; // a substring search rules most files out
  return null;
}

/** The version a requirement line pins for torch-neuronx, as [major, minor], or null. */
function torchNeuronxVersion(text: string): { op: string; major: number; minor: number } | null {
  const m = /\btorch[-_]neuronx\b\s*(?:\[[^\]]*\])?\s*(===|==|>=|~=|<=|<|>|!=)?\s*v?(\d+)\.(\d+)/i.exec(text);
  if (!m) return null;
  return { op: m[1] ?? '==', major: Number(m[2]), minor: Number(m[3]) };
}

/**
 * From dependency pins in requirements*.txt / pyproject.toml / setup.py contents. torch-neuronx 2.9
 * was the last PyTorch/XLA release; the native backend starts at 2.14 (2.10–2.13 were never released,
 * so anything ≥ 2.10 can only be native).
 */
export function detectTargetFromPins(files: readonly string[]): Target | null {
  let xlaHint = false;
  for (const text of files) {
    for (const line of text.split('\n')) {
      const l = line.replace(/#.*/, '');
      const v = torchNeuronxVersion(l);
      if (v && v.op !== '!=') {
        const atLeast210 = v.major > 2 || (v.major === 2 && v.minor >= 10);
        if (v.op === '<' || v.op === '<=') return atLeast210 && v.op === '<=' ? 'native' : 'xla';
        return atLeast210 ? 'native' : 'xla';
      }
      if (/\b(?:optimum[-_]neuron|optimum\[neuronx?\]|torch[-_]xla|neuronx[-_]distributed)\b/i.test(l)) xlaHint = true;
    }
  }
  return xlaHint ? 'xla' : null;
}
