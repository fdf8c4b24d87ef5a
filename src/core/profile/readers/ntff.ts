// `.ntff` device traces are binary and undocumented (protobuf + raw blobs): never parsed here.
// The reader returns a model whose insight says what to run (on the instance, where the Neuron
// tools are) to get a readable profile. `ntffConversionCommand` is the pure helper the extension
// uses to run the conversion itself when `neuron-explorer` is on PATH.
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { emptyModel } from '../counters';
import type { ProfileModel } from '../model';

export interface NtffConversionOptions {
  /** Default 'neuron-explorer' (Neuron ≥ 2.27). 'neuron-profile' for SDK ≤ 2.28 installs. */
  tool?: 'neuron-explorer' | 'neuron-profile';
  /** Default 'parquet' for neuron-explorer, 'json' for neuron-profile (which has no Parquet output). */
  outputFormat?: 'parquet' | 'json' | 'summary-json';
  /** Output directory (parquet) or file (json). Default: next to the .ntff (see ntffConversionOutput). */
  output?: string;
}

/** Where the conversion writes by default: `<dir>/<stem>.neuron-profile` (Parquet dir) or `<stem>.neuron-profile.json`. */
export function ntffConversionOutput(ntffPath: string, format: 'parquet' | 'json' | 'summary-json' = 'parquet'): string {
  const stem = basename(ntffPath).replace(/\.ntff$/i, '');
  const dir = dirname(ntffPath);
  return format === 'parquet' ? join(dir, `${stem}.neuron-profile`) : join(dir, `${stem}.neuron-profile.json`);
}

/**
 * argv (argv[0] is the executable) converting an NTFF (+ its NEFF) into a format loadProfile reads.
 * Without a NEFF it uses the capture directory (`-d`), which is how runtime captures are laid out.
 * `summary-json` prints to stdout (the caller saves it); the other formats write `output`.
 */
export function ntffConversionCommand(ntffPath: string, neffPath?: string, options: NtffConversionOptions = {}): string[] {
  const tool = options.tool ?? 'neuron-explorer';
  const format = options.outputFormat ?? (tool === 'neuron-profile' ? 'json' : 'parquet');
  const argv = [tool, 'view'];
  if (neffPath) argv.push('-n', neffPath, '-s', ntffPath);
  else argv.push('-d', dirname(ntffPath));
  argv.push('--output-format', format);
  if (format !== 'summary-json') argv.push('--output-file', options.output ?? ntffConversionOutput(ntffPath, format));
  if (tool === 'neuron-explorer' && format !== 'summary-json') argv.push('--disable-ui');
  return argv;
}

/**
 * Pick the NEFF that belongs to an NTFF among sibling file names (pure):
 * `<hash>_instid_0_vnc_<n>.ntff` ↔ `neff_<hash>.neff`; `profile_*.ntff` ↔ the only `*.neff` there.
 */
export function guessNeffForNtff(ntffPath: string, siblings: string[]): string | null {
  const neffs = siblings.filter((f) => f.toLowerCase().endsWith('.neff'));
  if (!neffs.length) return null;
  const name = basename(ntffPath);
  const hash = /^([0-9a-f]{6,})_/i.exec(name)?.[1] ?? /neff_([0-9a-f]{6,})/i.exec(name)?.[1];
  if (hash) {
    const hit = neffs.find((f) => f.includes(hash));
    if (hit) return join(dirname(ntffPath), hit);
  }
  return neffs.length === 1 ? join(dirname(ntffPath), neffs[0]) : null;
}

export async function readNtff(path: string, source: string): Promise<ProfileModel> {
  const model = emptyModel('ntff', source);
  let siblings: string[] = [];
  try { siblings = await fsp.readdir(dirname(path)); } catch { /* ignore */ }
  const neff = guessNeffForNtff(path, siblings);
  const argv = ntffConversionCommand(path, neff ?? undefined);
  const legacy = ntffConversionCommand(path, neff ?? undefined, { tool: 'neuron-profile', outputFormat: 'summary-json' });
  const head = Buffer.alloc(16);
  try {
    const fh = await fsp.open(path, 'r');
    try { await fh.read(head, 0, 16, 0); } finally { await fh.close(); }
  } catch { /* the caller already checked the path */ }
  model.warnings.push('NTFF is the Neuron runtime\'s binary device trace; its layout is undocumented, so it is not decoded here. Convert it with the Neuron tools first.');
  if (!neff) model.warnings.push('No matching .neff found next to the .ntff; the conversion needs the NEFF that produced it (pass -n <file.neff>).');
  model.insights.push({
    id: 'ntff-needs-conversion', severity: 'info',
    message: `Convert on the instance (Neuron SDK ≥ 2.27): \`${shellJoin(argv)}\`, then open the output directory. With the older tools: \`${shellJoin(legacy)} > summary.json\`.`,
  });
  model.metadata = { ntff_bytes: (await fsp.stat(path)).size, neff: neff ? basename(neff) : null, header_hex: head.toString('hex') };
  model.sectionsRead = [];
  return model;
}

function shellJoin(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}
