// web-tree-sitter set-up. The runtime wasm and the Python grammar are loaded once per process;
// the grammar is passed as bytes (a path makes 0.26+ do a dynamic `import('fs/promises')`, which
// breaks in CJS bundles and test runners).
import { Parser, Language, Edit } from 'web-tree-sitter';
import type { Tree, Range } from 'web-tree-sitter';
import { existsSync, readFileSync } from 'node:fs';
import { installFastNodes, rememberSource } from './fastNodes';
import { join, dirname } from 'node:path';

export interface ParserAssets {
  /** Folder holding `web-tree-sitter.wasm` and `tree-sitter-python.wasm` (the bundle's dist/). */
  wasmDir?: string;
}

let ready: Promise<Language> | undefined;

function findAsset(file: string, pkg: string, wasmDir?: string): string {
  const candidates = [wasmDir && join(wasmDir, file), join(__dirname, file)];
  for (const c of candidates) if (c && existsSync(c)) return c;
  // Unbundled (tests under tsx): find the package folder in node_modules above this file.
  for (let d = __dirname; ; d = dirname(d)) {
    const p = join(d, 'node_modules', pkg, file);
    if (existsSync(p)) return p;
    if (dirname(d) === d) throw new Error(`cannot find ${file} (looked in ${wasmDir ?? __dirname} and node_modules/${pkg})`);
  }
}

/** Loads the runtime and the grammar once; later calls return the same language. */
export function initPython(assets: ParserAssets = {}): Promise<Language> {
  ready ??= (async () => {
    const runtime = findAsset('web-tree-sitter.wasm', 'web-tree-sitter', assets.wasmDir);
    // Parser.init turns this object into the Emscripten module; installFastNodes needs it.
    const binding = { locateFile: () => runtime };
    await Parser.init(binding);
    const grammar = readFileSync(findAsset('tree-sitter-python.wasm', 'tree-sitter-python', assets.wasmDir));
    const language = await Language.load(new Uint8Array(grammar));
    const probe = new Parser();
    probe.setLanguage(language);
    installFastNodes(binding, probe);
    probe.delete();
    return language;
  })();
  return ready;
}

/** A parser bound to the Python grammar. One per thread is enough. */
export class PythonParser {
  private readonly parser: Parser;
  private constructor(readonly language: Language) {
    this.parser = new Parser();
    this.parser.setLanguage(language);
  }
  static async create(assets?: ParserAssets): Promise<PythonParser> {
    return new PythonParser(await initPython(assets));
  }
  /**
   * Parses `text`, reusing `old` (already edited with `tree.edit`) when given; `ranges` limits the
   * parse to parts of the text (nodes keep their positions in the whole text).
   */
  parse(text: string, old?: Tree | null, ranges?: Range[]): Tree {
    const tree = this.parser.parse(text, old ?? null, ranges ? { includedRanges: ranges } : undefined);
    if (!tree) throw new Error('tree-sitter returned no tree');
    rememberSource(tree, text);
    return tree;
  }
  dispose(): void {
    this.parser.delete();
  }
}

/**
 * Points a tree kept across an edit (shifted with `tree.edit`, not re-parsed) at the new text, so
 * `node.text` reads the new string (the patched accessors and the library's own callback both).
 */
export function rebindText(tree: Tree, text: string): void {
  rememberSource(tree, text);
  (tree as unknown as { textCallback: (index: number) => string }).textCallback = (index) => text.slice(index);
}

export interface TextChange {
  /** Offset (UTF-16) of the replaced range in the text before the change. */
  rangeOffset: number;
  rangeLength: number;
  text: string;
  /** Start position of the replaced range, and its old end (0-based rows, UTF-16 columns). */
  start: { line: number; character: number };
  oldEnd: { line: number; character: number };
}

/** Position after inserting `text` at `start`. */
export function endAfterInsert(start: { line: number; character: number }, text: string): { row: number; column: number } {
  const lastNl = text.lastIndexOf('\n');
  if (lastNl < 0) return { row: start.line, column: start.character + text.length };
  let rows = 0;
  for (let i = 0; i <= lastNl; i++) if (text.charCodeAt(i) === 10) rows++;
  return { row: start.line + rows, column: text.length - lastNl - 1 };
}

/** Translates an editor change (VS Code's TextDocumentContentChangeEvent shape) into a tree edit. */
export function toEdit(c: TextChange): Edit {
  return new Edit({
    startIndex: c.rangeOffset,
    oldEndIndex: c.rangeOffset + c.rangeLength,
    newEndIndex: c.rangeOffset + c.text.length,
    startPosition: { row: c.start.line, column: c.start.character },
    oldEndPosition: { row: c.oldEnd.line, column: c.oldEnd.character },
    newEndPosition: endAfterInsert(c.start, c.text),
  });
}
