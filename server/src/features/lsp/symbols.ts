// Document symbols (the outline): networks, cells and propagations, with a network's clauses
// and a propagation's statements as children. Large documents get a lighter answer (see
// docs/performance.md, issue 24): above CLAUSE_CHILDREN_MAX_DECLARATIONS declarations networks
// come without their clauses (reading them rebuilds each compact network's tree: seconds and
// hundreds of MB on 100,000 networks), and above SYMBOLS_MAX the outline is capped — every
// propagation, search and cell, networks in order up to the cap, and one symbol standing for
// the networks left out (an outline of 100,000 networks, 27 MB of JSON, helps no one).
import { SymbolKind, type CancellationToken, type DocumentSymbol } from 'vscode-languageserver';
import type { Declaration, NcpDocument } from '../../language/ast';
import { lspRange } from '../documents/util';

/** Above this many declarations, networks are listed without their clauses. */
export const CLAUSE_CHILDREN_MAX_DECLARATIONS = 1000;
/** At most this many top-level symbols (plus one for the networks left out). */
export const SYMBOLS_MAX = 20_000;

function symbolOf(d: Declaration, clauses: boolean): DocumentSymbol {
  const range = lspRange(d.range);
  // LSP requires the selection range to lie inside the range; a missing name falls back to the keyword.
  const sel = d.name ? lspRange(d.nameRange) : lspRange(d.keywordRange);
  const name = d.name || `(unnamed ${d.kind})`;
  if (d.kind === 'network') {
    if (!clauses) return { name, detail: `network (${d.form})`, kind: SymbolKind.Class, range, selectionRange: sel };
    const children: DocumentSymbol[] = (d.clauses ?? []).map((c) => ({
      name: c.kind === 'stage' ? `stage ${c.index?.text ?? '?'}` : c.kind,
      kind: SymbolKind.Field,
      range: lspRange(c.range),
      selectionRange: lspRange(c.keywordRange),
    }));
    return { name, detail: `network (${d.form})`, kind: SymbolKind.Class, range, selectionRange: sel, children };
  }
  if (d.kind === 'cell') return { name, detail: 'cell (NAS-Bench-201)', kind: SymbolKind.Struct, range, selectionRange: sel };
  const children: DocumentSymbol[] = d.statements.map((s) => ({
    name: s.kind === 'maximize' ? `maximize ${s.setting?.text ?? '?'}${s.metric ? '.' + s.metric.text : ''}` : s.kind,
    kind: s.kind === 'maximize' ? SymbolKind.Event : SymbolKind.Property,
    range: lspRange(s.range),
    selectionRange: lspRange(s.keywordRange),
  }));
  if (d.kind === 'search') return { name, detail: `search${d.measurements ? ` (${d.measurements})` : ''}`, kind: SymbolKind.Function, range, selectionRange: sel, children };
  return { name, detail: d.from ? `propagate from ${d.from.text}` : 'propagate', kind: SymbolKind.Function, range, selectionRange: sel, children };
}

export function documentSymbols(doc: NcpDocument, token?: CancellationToken): DocumentSymbol[] {
  const decls = doc.declarations;
  const clauses = decls.length <= CLAUSE_CHILDREN_MAX_DECLARATIONS;
  if (decls.length <= SYMBOLS_MAX) return decls.map((d) => symbolOf(d, clauses));
  let others = 0;
  for (const d of decls) if (d.kind !== 'network') others++;
  let networks = Math.max(0, SYMBOLS_MAX - others);
  let budget = SYMBOLS_MAX;
  const out: DocumentSymbol[] = [];
  let first: Declaration | undefined;
  let last: Declaration | undefined;
  let left = 0;
  for (const d of decls) {
    if (token?.isCancellationRequested) return [];
    const listed = budget > 0 && (d.kind !== 'network' || networks-- > 0);
    if (listed) {
      budget--;
      out.push(symbolOf(d, false));
      continue;
    }
    left++;
    first ??= d;
    last = d;
  }
  if (first && last) {
    const range = lspRange({ start: first.range.start, end: last.range.end, startOffset: first.range.startOffset, endOffset: last.range.endOffset });
    out.push({
      name: `${left.toLocaleString('en-US')} more declarations`,
      detail: `not listed: the outline shows at most ${SYMBOLS_MAX.toLocaleString('en-US')}`,
      kind: SymbolKind.Namespace,
      range,
      selectionRange: lspRange(first.keywordRange),
    });
    out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  }
  return out;
}
