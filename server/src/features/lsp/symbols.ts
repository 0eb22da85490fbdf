// Document symbols (the outline): networks, cells and propagations, with a network's clauses
// and a propagation's statements as children.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { Declaration, NcpDocument } from '../../language/ast';
import { lspRange } from '../documents/util';

function symbolOf(d: Declaration): DocumentSymbol {
  const range = lspRange(d.range);
  // LSP requires the selection range to lie inside the range; a missing name falls back to the keyword.
  const sel = d.name ? lspRange(d.nameRange) : lspRange(d.keywordRange);
  const name = d.name || `(unnamed ${d.kind})`;
  if (d.kind === 'network') {
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

export function documentSymbols(doc: NcpDocument): DocumentSymbol[] {
  return doc.declarations.map(symbolOf);
}
