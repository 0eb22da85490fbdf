// "Export Network…" (issue 23): the server side. A code action on every network offers the
// client command ncp.exportNetwork (which asks for the format, task, input size and file), and
// the request `ncp/exportNetwork {uri, network, format, head, input, classes?}` answers with the
// file's content — text, or base64 for ONNX — and the network's exact cost at that target.
import type { CodeAction, CodeActionParams } from 'vscode-languageserver';
import type { FeatureContext } from '../documents/context';
import type { RequestHandler } from '../protocol';
import { declarationsIn } from '../documents/util';
import { EXPORT_EXTENSIONS, EXPORT_FORMATS, exportNetwork, type ExportFormat } from '../../core/export/exportNetwork';
import { ExportError, describeTarget, resolveTarget } from '../../core/export/target';
import { EXPORT_REQUEST, CLIENT_EXPORT_COMMAND, type ExportAnswer } from './exportProtocol';

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function exportActions(ctx: FeatureContext, params: CodeActionParams): CodeAction[] {
  const start = ctx.doc.offsetAt(params.range.start);
  const end = ctx.doc.offsetAt(params.range.end);
  const out: CodeAction[] = [];
  for (const d of declarationsIn(ctx.analysis.ast, start, end)) {
    if (d.kind !== 'network' || !d.code || !d.name) continue;
    out.push({
      title: `Export '${d.name}'…`,
      kind: 'refactor',
      command: { title: 'Export Network…', command: CLIENT_EXPORT_COMMAND, arguments: [{ uri: ctx.uri, network: d.name }] },
    });
  }
  return out;
}

function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x));
}

export const exportRequest: RequestHandler = {
  method: EXPORT_REQUEST,
  handle(params, services): ExportAnswer {
    const p = rec(params);
    const ctx = services.contextFor(String(p.uri ?? ''));
    if (!ctx) return { ok: false, error: 'the document is not open' };
    const name = String(p.network ?? '');
    const net = ctx.analysis.networks.get(name);
    if (!net) return { ok: false, error: `no network '${name}' in the document` };
    if (!net.code) return { ok: false, error: `'${name}' is not a valid network (see its diagnostics)` };
    const format = p.format as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) return { ok: false, error: `format must be ${EXPORT_FORMATS.join(', ')}, got ${String(p.format)}` };
    if (p.head !== undefined && p.head !== 'cls' && p.head !== 'seg') return { ok: false, error: `head must be cls or seg, got ${String(p.head)}` };
    if (p.input !== undefined && !isPair(p.input)) return { ok: false, error: 'input must be [height, width]' };
    if (p.classes !== undefined && !Number.isInteger(p.classes)) return { ok: false, error: 'classes must be an integer' };
    try {
      const target = resolveTarget({
        ...(p.input !== undefined ? { input: p.input as [number, number] } : {}),
        ...(p.head !== undefined ? { head: p.head as 'cls' | 'seg' } : {}),
        ...(p.classes !== undefined ? { classes: p.classes as number } : {}),
      });
      const e = exportNetwork(net.code, format, target);
      const text = typeof e.data === 'string';
      return {
        ok: true,
        encoding: text ? 'utf8' : 'base64',
        data: text ? (e.data as string) : Buffer.from(e.data as Uint8Array).toString('base64'),
        fileName: `${name}${EXPORT_EXTENSIONS[format]}`,
        macs: e.cost.macs,
        params: e.cost.params,
        target: describeTarget(target),
      };
    } catch (err) {
      if (err instanceof ExportError) return { ok: false, error: err.message };
      throw err;
    }
  },
};
