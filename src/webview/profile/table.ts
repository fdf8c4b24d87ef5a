// Sortable, searchable table of the top framework / HLO ops. Headers are buttons (Enter/Space sort),
// aria-sort tracks the order, and source locations are buttons that ask the host to open the file.
import type { TopOp } from '../../core/profile/model';
import { clear, h, nextId } from './dom';
import { fmtCount, fmtNs, fmtPercent } from './format';

export type SortKey = 'name' | 'kind' | 'timeNs' | 'percent' | 'count' | 'source';
export interface SortState { key: SortKey; dir: 'asc' | 'desc' }

interface Column {
  key: SortKey;
  label: string;
  numeric: boolean;
  tip: string;
}

const MAX_ROWS = 500;

export interface OpsTableOptions {
  ops: TopOp[];
  totalTimeNs: number | null;
  sort: SortState | null;
  search: string;
  tips: Partial<Record<SortKey, string>>;
  onOpenSource: (file: string, line: number) => void;
  /** When given and `selectable(op)`, the op name is a button that shows the op on the timeline. */
  onSelectOp?: (op: TopOp) => void;
  selectable?: (op: TopOp) => boolean;
  onStateChange: (sort: SortState, search: string) => void;
  /** Export the rows as shown (sorted, filtered, all of them). */
  onExport?: (rows: TopOp[]) => void;
}

function value(op: TopOp, key: SortKey): string | number {
  switch (key) {
    case 'name': return op.name.toLowerCase();
    case 'kind': return (op.kind ?? '').toLowerCase();
    case 'timeNs': return op.timeNs;
    case 'percent': return op.percent ?? -1;
    case 'count': return op.count ?? -1;
    case 'source': return op.source ? `${op.source.file}:${String(op.source.line).padStart(8, '0')}` : '\uffff';
  }
}

export function opsTable(o: OpsTableOptions): HTMLElement {
  const hasKind = o.ops.some((x) => x.kind);
  const hasCount = o.ops.some((x) => x.count !== null && x.count !== undefined);
  const hasSource = o.ops.some((x) => x.source);
  const cols: Column[] = [
    { key: 'name', label: 'Op', numeric: false, tip: o.tips.name ?? 'Framework, HLO or instruction-level operation' },
    ...(hasKind ? [{ key: 'kind' as const, label: 'Kind', numeric: false, tip: o.tips.kind ?? 'hlo, framework or opcode' }] : []),
    { key: 'timeNs', label: 'Time', numeric: true, tip: o.tips.timeNs ?? 'Total time spent in the op' },
    { key: 'percent', label: '% of total', numeric: true, tip: o.tips.percent ?? 'Share of the total profile time (0–100)' },
    ...(hasCount ? [{ key: 'count' as const, label: 'Count', numeric: true, tip: o.tips.count ?? 'Number of calls or instructions' }] : []),
    ...(hasSource ? [{ key: 'source' as const, label: 'Source', numeric: false, tip: o.tips.source ?? 'Where the op comes from in your code; activate to open it' }] : []),
  ];
  let sort: SortState = o.sort && cols.some((c) => c.key === o.sort?.key) ? o.sort : { key: 'timeNs', dir: 'desc' };
  let search = o.search;

  const searchId = nextId('ops-search');
  const input = h('input', { id: searchId, type: 'search', class: 'search', placeholder: 'Filter ops by name, kind or file', value: search, 'aria-controls': 'ops-table', autocomplete: 'off', spellcheck: 'false' });
  input.value = search;
  const count = h('span', { class: 'muted ops-count', 'aria-live': 'polite' });
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('table', { id: 'ops-table', class: 'data ops' }, h('caption', { class: 'visually-hidden', text: 'Top operations; column headers sort the table' }), thead, tbody);

  const headerRow = h('tr');
  const headerCells = new Map<SortKey, { th: HTMLTableCellElement; btn: HTMLButtonElement }>();
  for (const c of cols) {
    const btn = h('button', { type: 'button', class: 'sort', title: c.tip, text: c.label });
    const th = h('th', { scope: 'col', class: c.numeric ? 'num' : '' }, btn);
    btn.addEventListener('click', () => {
      sort = sort.key === c.key ? { key: c.key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { key: c.key, dir: c.numeric ? 'desc' : 'asc' };
      render();
      o.onStateChange(sort, search);
    });
    headerCells.set(c.key, { th, btn });
    headerRow.appendChild(th);
  }
  thead.appendChild(headerRow);

  let current: TopOp[] = [];
  function render(): void {
    for (const [key, { th, btn }] of headerCells) {
      const active = key === sort.key;
      th.setAttribute('aria-sort', active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      btn.dataset.sort = active ? sort.dir : '';
    }
    const q = search.trim().toLowerCase();
    const rows = q
      ? o.ops.filter((op) => op.name.toLowerCase().includes(q) || (op.kind ?? '').toLowerCase().includes(q) || (op.source?.file ?? '').toLowerCase().includes(q))
      : o.ops.slice();
    const mul = sort.dir === 'asc' ? 1 : -1;
    rows.sort((a, b) => {
      const va = value(a, sort.key);
      const vb = value(b, sort.key);
      return (va < vb ? -1 : va > vb ? 1 : 0) * mul || b.timeNs - a.timeNs;
    });
    current = rows;
    clear(tbody);
    const shown = rows.slice(0, MAX_ROWS);
    for (const op of shown) {
      const tr = h('tr');
      for (const c of cols) {
        const td = h('td', { class: c.numeric ? 'num' : '' });
        switch (c.key) {
          case 'name':
            td.classList.add('op-name');
            if (o.onSelectOp && o.selectable?.(op)) {
              const b = h('button', { type: 'button', class: 'link op-select', title: `Highlight ${op.name} on the timeline`, text: op.name });
              b.addEventListener('click', () => o.onSelectOp?.(op));
              td.appendChild(b);
            } else {
              td.textContent = op.name;
              td.title = op.name;
            }
            break;
          case 'kind': td.textContent = op.kind ?? ''; break;
          case 'timeNs': td.textContent = fmtNs(op.timeNs); break;
          case 'percent': td.textContent = fmtPercent(op.percent ?? (o.totalTimeNs ? (op.timeNs / o.totalTimeNs) * 100 : null)); break;
          case 'count': td.textContent = fmtCount(op.count); break;
          case 'source':
            if (op.source) {
              const src = op.source;
              const b = h('button', { type: 'button', class: 'link', title: `Open ${src.file}:${src.line} beside`, text: `${src.file}:${src.line}` });
              b.addEventListener('click', () => o.onOpenSource(src.file, src.line));
              td.appendChild(b);
            }
            break;
        }
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    if (rows.length === 0) {
      tbody.appendChild(h('tr', {}, h('td', { colspan: cols.length, class: 'muted', text: q ? `No op matches “${search}”.` : 'No ops.' })));
    }
    count.textContent = `${fmtCount(Math.min(rows.length, MAX_ROWS))} of ${fmtCount(o.ops.length)} ops${rows.length > MAX_ROWS ? ` (first ${MAX_ROWS} of ${fmtCount(rows.length)} matches)` : ''}`;
  }

  input.addEventListener('input', () => {
    search = input.value;
    render();
    o.onStateChange(sort, search);
  });
  render();
  let exportBtn: HTMLButtonElement | null = null;
  if (o.onExport) {
    exportBtn = h('button', { type: 'button', class: 'btn', title: 'Save the table as shown (sorted and filtered) as CSV', text: 'Export CSV…' });
    exportBtn.addEventListener('click', () => o.onExport?.(current));
  }
  return h('div', { class: 'ops-wrap' },
    h('div', { class: 'ops-controls' }, h('label', { for: searchId, text: 'Search ' }), input, count, exportBtn),
    h('div', { class: 'table-scroll' }, table));
}
