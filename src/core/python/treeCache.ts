// Per-document tree cache with incremental re-parse, after vscode-anycode's trees.ts: edits are
// queued as they arrive and applied lazily when someone asks for the tree; the least recently
// used trees are deleted (they live in the wasm heap and leak otherwise).
import type { Tree } from 'web-tree-sitter';
import { PythonParser, toEdit, type TextChange } from './parser';

interface Entry {
  version: number;
  tree: Tree;
  pending: TextChange[];
}

export class TreeCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly parser: PythonParser, private readonly capacity = 64) {}

  /** Record an edit; the next `get` re-parses incrementally. */
  applyChanges(key: string, changes: readonly TextChange[]): void {
    const e = this.entries.get(key);
    if (e) e.pending.push(...changes);
  }

  /** The tree for `text` at `version`, re-parsed incrementally from the cached tree when possible. */
  get(key: string, version: number, text: string): Tree {
    const e = this.entries.get(key);
    if (e && e.version === version && e.pending.length === 0) {
      this.touch(key, e);
      return e.tree;
    }
    let tree: Tree;
    if (e && e.pending.length > 0) {
      for (const c of e.pending) e.tree.edit(toEdit(c));
      tree = this.parser.parse(text, e.tree);
      e.tree.delete();
    } else {
      e?.tree.delete();
      tree = this.parser.parse(text);
    }
    this.touch(key, { version, tree, pending: [] });
    return tree;
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (e) {
      e.tree.delete();
      this.entries.delete(key);
    }
  }

  clear(): void {
    for (const e of this.entries.values()) e.tree.delete();
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
      old.tree.delete();
      this.entries.delete(oldest);
    }
  }
}
