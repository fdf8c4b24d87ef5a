// Finding the node under a word the text scan found, for many words in document order.
import type { Node } from 'web-tree-sitter';
import type { ModuleRoot } from './chunkedModule';

/**
 * `root.descendantForIndex` for offsets that mostly come in document order, keeping the ancestors of the last
 * node found. Rules walk up from a hit (enclosing call, guard, loop); tree-sitter answers each parent read by
 * descending from the root again, while here each ancestor is read once on the way down, with its parent
 * recorded, and shared by the next hits in the same statement.
 */
export function hitLocator(root: ModuleRoot): (start: number, end: number) => Node | null {
  const path: Node[] = [];
  return (start, end) => {
    const base = root.treeRootAt ? root.treeRootAt(start) : (root as unknown as Node);
    if (path[0] !== base) {
      path.length = 0;
      path.push(base);
    } else {
      while (path.length > 1) {
        const top = path[path.length - 1];
        if (top.startIndex <= start && top.endIndex >= end) break;
        path.pop();
      }
    }
    for (;;) {
      const top = path[path.length - 1];
      const c = top.firstChildForIndex(start);
      // Children do not overlap: only the first one that ends after `start` can hold the range.
      if (!c || c.startIndex > start || c.endIndex < end) return top;
      path.push(c);
    }
  };
}
