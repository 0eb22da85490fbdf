// `ncp/networkAt {uri, position}`: the network or cell declared around a position (the code strip
// of the trace view follows the editor cursor), or null.
import type { RequestHandler } from '../protocol';
import type { CursorNetwork } from './viewData';
import { rec } from './viewPredictions';

export const NETWORK_AT_REQUEST = 'ncp/networkAt';

function inside(range: { start: { line: number; character: number }; end: { line: number; character: number } }, line: number, ch: number): boolean {
  const after = line > range.start.line || (line === range.start.line && ch >= range.start.character);
  const before = line < range.end.line || (line === range.end.line && ch <= range.end.character);
  return after && before;
}

export const networkAtRequest: RequestHandler = {
  method: NETWORK_AT_REQUEST,
  handle(params, services): CursorNetwork | null {
    const p = rec(params);
    const ctx = services.contextFor(String(p.uri ?? ''));
    const pos = rec(p.position);
    const line = pos.line;
    const ch = pos.character;
    if (!ctx || !Number.isInteger(line) || !Number.isInteger(ch)) return null;
    for (const n of ctx.analysis.networks.values()) {
      if (n.code && inside(n.range, line as number, ch as number)) return { name: n.name, space: 'multires', code: n.code };
    }
    for (const c of ctx.analysis.cells.values()) {
      if (c.cell && inside(c.range, line as number, ch as number)) return { name: c.name, space: 'nb201', code: c.cell };
    }
    return null;
  },
};
