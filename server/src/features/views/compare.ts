// `ncp/compare {uri}`: the document's networks and cells side by side — exact cost, every
// setting's prediction ± spread, and measured values when `ncp.benchmark.path` holds the network.
import { SETTINGS } from '../../core/settings';
import { exactCost } from '../predictors/networkInfo';
import type { RequestHandler } from '../protocol';
import { VIEW_LIMITS, type CompareData, type CompareRow, type SettingColumn } from './viewData';
import { loadPredictors, predictCodes, rec } from './viewPredictions';

export const COMPARE_REQUEST = 'ncp/compare';

export const compareRequest: RequestHandler = {
  method: COMPARE_REQUEST,
  async handle(params, services): Promise<CompareData | { error: string }> {
    const uri = String(rec(params).uri ?? '');
    const ctx = services.contextFor(uri);
    if (!ctx) return { error: `no open document ${uri}` };
    const notes: string[] = [];
    const nets = [...ctx.analysis.networks.values()].filter((n) => n.code);
    const cells = [...ctx.analysis.cells.values()].filter((c) => c.cell);
    if (nets.length + cells.length === 0) notes.push('this file has no valid network or cell yet');
    await loadPredictors(services, ctx, notes);
    const settings: SettingColumn[] = SETTINGS.filter((s) => (s.space === 'multires' ? nets.length > 0 : cells.length > 0)).map((s) => ({
      name: s.name,
      metrics: (services.predictions.metrics(s.name).length ? services.predictions.metrics(s.name) : s.metrics).slice(0, VIEW_LIMITS.metrics),
    }));
    const names = settings.map((s) => s.name);
    const index = ctx.settings.benchmark.path ? await ctx.benchmark.get(ctx.settings.benchmark.path, ctx.workspaceRoot) : undefined;
    if (ctx.settings.benchmark.path && !index) notes.push(`measured values are not shown: cannot read ${ctx.settings.benchmark.path}`);
    const netPred = predictCodes(services, 'multires', names, nets.map((n) => n.code!));
    const cellPred = predictCodes(services, 'nb201', names, cells.map((c) => c.cell!));
    const rows: CompareRow[] = [
      ...nets.map((n, i): CompareRow => {
        const c = exactCost(n.code!);
        const m = index?.networks.get(n.code!.join(','));
        return {
          name: n.name,
          kind: 'network',
          line: n.range.start.line,
          code: n.code!,
          ...(c ? { flops: c.flops, params: c.params } : {}),
          predicted: netPred[i],
          measured: names.map((s) => m?.results[s]?.slice(0, VIEW_LIMITS.metrics) ?? null),
        };
      }),
      ...cells.map((c, i): CompareRow => {
        const m = index?.cells.get(c.cell!.join(','));
        return {
          name: c.name,
          kind: 'cell',
          line: c.range.start.line,
          code: c.cell!,
          ...(m && Number.isFinite(m.flops) ? { flops: m.flops, params: m.params } : {}),
          predicted: cellPred[i],
          measured: names.map((s) => (s === 'nb201' && m ? [m.acc] : null)),
        };
      }),
    ].slice(0, VIEW_LIMITS.networks);
    return { uri, settings, rows, ...(index ? { benchmark: index.path } : {}), notes };
  },
};
