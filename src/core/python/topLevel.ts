// Where top-level statements start, found by a small Python lexer (brackets, strings with their
// prefixes and f-string fields, comments, backslash continuations). The chunked parse cuts a
// module only at these lines, so each piece parses exactly as it does inside the whole module.
//
// Conservative by design: a missed start only makes a chunk larger; a wrong one would split a
// statement. So a line counts only when it begins at column 0 with code, outside any bracket,
// string or continuation, is not a clause of the statement before (`else`, `elif`, `except`,
// `finally`) and does not follow a decorator or a header that still needs its body (`...:`).

/** Top-level statement starts after `from` (which must itself be a line start outside any statement). */
export interface TopLevelScan {
  /** Offsets of the candidate lines, ascending, all > from. */
  starts: number[];
  /** Rows of those lines, counted from `from` (tree-sitter counts rows by '\n' only). */
  rows: number[];
  /** Where the scan stopped: the start `stop` accepted, or text.length. */
  end: number;
  /** The scan reached the end of the text inside a bracket (and not inside a string). */
  openBracketAtEnd: boolean;
}

const CLAUSES = ['else', 'elif', 'except', 'finally'];
const isIdent = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isSpace = (c: number) => c === 32 || c === 9 || c === 12;

/**
 * Scans `text` from `from`. `stop(offset)` is asked at each start found; returning true ends the
 * scan there (the incremental update stops once it is back on a start it knew).
 */
export function scanTopLevel(text: string, from = 0, stop?: (offset: number) => boolean): TopLevelScan {
  const starts: number[] = [];
  const rows: number[] = [];
  const n = text.length;
  let row = 0;
  let i = from;
  // Facts about the previous logical line that forbid a cut before the next one.
  let afterDecorator = false;
  let afterColon = false;
  let stringAtEnd = false;
  let depth = 0;

  /** Skips a string whose opening quote is at `q`; returns the offset after it. Counts rows. */
  const skipString = (q: number, formatted: boolean): number => {
    const quote = text.charCodeAt(q);
    const triple = text.charCodeAt(q + 1) === quote && text.charCodeAt(q + 2) === quote;
    let j = q + (triple ? 3 : 1);
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 92) {
        // Backslash: the next character is taken as is (also in raw strings, where \" does not end the
        // string); a backslash before a line break (LF or CRLF) continues the string on the next line.
        const crlf = text.charCodeAt(j + 1) === 13 && text.charCodeAt(j + 2) === 10;
        if (crlf || text.charCodeAt(j + 1) === 10) row++;
        j += crlf ? 3 : 2;
        continue;
      }
      if (c === 10) {
        if (!triple) return j; // an unterminated one-line string ends at the line break
        row++;
      } else if (c === quote) {
        if (!triple) return j + 1;
        if (text.charCodeAt(j + 1) === quote && text.charCodeAt(j + 2) === quote) return j + 3;
      } else if (formatted && c === 123) {
        if (text.charCodeAt(j + 1) === 123) {
          j += 2;
          continue;
        }
        j = skipField(j + 1);
        continue;
      }
      j++;
    }
    stringAtEnd = true;
    return n;
  };

  /** Skips an f-string replacement field from after its `{`; returns the offset after its `}`. */
  const skipField = (k: number): number => {
    let depth = 0;
    let spec = false;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === 10) row++;
      if (spec) {
        // Format spec: literal text with nested fields.
        if (c === 123) {
          k = skipField(k + 1);
          continue;
        }
        if (c === 125) return k + 1;
        k++;
        continue;
      }
      if (c === 39 || c === 34) {
        k = skipString(k, formattedAt(k));
        continue;
      }
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (c === 41 || c === 93) depth = Math.max(0, depth - 1);
      else if (c === 125) {
        if (depth === 0) return k + 1;
        depth--;
      } else if (c === 58 && depth === 0) spec = true;
      k++;
    }
    return n;
  };

  /** Whether the quote at `q` opens an f-string (or a t-string): its prefix letters include f or t. */
  const formattedAt = (q: number): boolean => {
    let p = q;
    while (p > q - 2 && p > 0 && isIdent(text.charCodeAt(p - 1))) p--;
    if (p > 0 && isIdent(text.charCodeAt(p - 1))) return false;
    const prefix = text.slice(p, q).toLowerCase();
    return prefix.includes('f') || prefix.includes('t');
  };

  while (i < n) {
    // i is at the start of a physical line that starts a logical line.
    const c0 = text.charCodeAt(i);
    const first = skipBlanks(text, i);
    const c1 = text.charCodeAt(first);
    const blankOrComment = first >= n || c1 === 10 || c1 === 35;
    if (!blankOrComment) {
      if (i > from && canStart(c0) && !afterDecorator && !afterColon && !startsClause(text, i)) {
        if (stop?.(i)) return { starts, rows, end: i, openBracketAtEnd: false };
        starts.push(i);
        rows.push(row);
      }
    }
    // Walk the logical line.
    depth = 0;
    let last = -1; // last significant character outside comments
    for (;;) {
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 10) {
        row++;
        i++;
        if (depth === 0) break;
        continue;
      }
      if (c === 35) {
        while (i < n && text.charCodeAt(i) !== 10) i++;
        continue;
      }
      if (c === 92 && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
        // Backslash continuation: the next physical line belongs to this logical line.
        i += text.charCodeAt(i + 1) === 10 ? 2 : 3;
        row++;
        continue;
      }
      if (c === 39 || c === 34) {
        i = skipString(i, formattedAt(i));
        last = 34;
        continue;
      }
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
      if (!isSpace(c) && c !== 13) last = c;
      i++;
    }
    if (!blankOrComment) {
      afterDecorator = c1 === 64;
      afterColon = last === 58;
    }
  }
  return { starts, rows, end: n, openBracketAtEnd: depth > 0 && !stringAtEnd };
}

/** Characters a statement can start with (identifiers and keywords, literals, brackets, unary operators, `*`, `@`, `...`). */
function canStart(c: number): boolean {
  return isIdent(c) || c === 34 || c === 39 || c === 40 || c === 91 || c === 123 || c === 45 || c === 43 || c === 126 || c === 42 || c === 64 || c === 46;
}

/** The first offset from `i` that is not a space, tab, form feed, or carriage return (other than the one of a CRLF). */
function skipBlanks(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || (c === 13 && text.charCodeAt(i + 1) !== 10)) i++;
    else if (c === 13) return i + 1; // CRLF: the line feed ends the line
    else return i;
  }
}

function startsClause(text: string, i: number): boolean {
  for (const w of CLAUSES) {
    if (text.startsWith(w, i) && !isIdent(text.charCodeAt(i + w.length))) return true;
  }
  return false;
}
