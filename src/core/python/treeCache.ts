// Per-document parse cache with incremental re-parse, after vscode-anycode's trees.ts: edits are
// queued as they arrive and applied lazily when someone asks for the module; the least recently
// used modules are deleted (their trees live in the wasm heap and leak otherwise). Documents are
// kept as chunked modules so a keystroke re-parses one chunk (see chunkedModule.ts).
import type { PythonParser, TextChange } from './parser';
import { ChunkedModule, CHUNK_LINES } from './chunkedModule';

interface Entry {
  version: number;
  module: ChunkedModule;
  pending: TextChange[];
}

export class TreeCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly parser: PythonParser, private readonly capacity = 64, private readonly chunkLines = CHUNK_LINES) {}

  /** Record an edit; the next `get` re-parses incrementally. */
  applyChanges(key: string, changes: readonly TextChange[]): void {
    const e = this.entries.get(key);
    if (e) e.pending.push(...changes);
  }

  /** The parsed module for `text` at `version`, re-parsed incrementally from the cached one when possible. */
  get(key: string, version: number, text: string): ChunkedModule {
    const e = this.entries.get(key);
    if (e && e.version === version && e.pending.length === 0 && e.module.text === text) {
      this.touch(key, e);
      return e.module;
    }
    let module: ChunkedModule;
    if (e && e.pending.length > 0) module = e.module.update(this.parser, text, e.pending);
    else {
      e?.module.delete();
      module = ChunkedModule.parse(this.parser, text, this.chunkLines);
    }
    this.touch(key, { version, module, pending: [] });
    return module;
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (e) {
      e.module.delete();
      this.entries.delete(key);
    }
  }

  clear(): void {
    for (const e of this.entries.values()) e.module.delete();
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private touch(key: string, e: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, e);
    while (this.entries.size > this.capacity) {
      const [oldest, old] = this.entries.entries().next().value as [string, Entry];
      old.module.delete();
      this.entries.delete(oldest);
    }
  }
}
