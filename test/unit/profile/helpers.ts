import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProfileCommand } from '../../../src/cli/profile';

export const FIX = join(__dirname, '../../fixtures/profiles');
export const ROOT = join(__dirname, '../../..');

export async function runCli(path: string, format: 'text' | 'json' | 'markdown' = 'json'): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const code = await runProfileCommand({ path, format }, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'nl-profile-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
