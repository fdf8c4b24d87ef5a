// Placeholder until the profile readers land (owned by the profile-readers work; replace freely).
export async function runProfileCommand(args: { path: string; format: 'text' | 'json' | 'markdown' }, io: { stdout(s: string): void; stderr(s: string): void }): Promise<number> {
  io.stderr(`neuron-lens: profile reading is not available yet (${args.path})\n`);
  return 2;
}
