// `ncp/benchmarkExplorer {uri, benchmarkPath?, path?}`: what the benchmark explorer draws — every
// network of the benchmark (read by the same lookup the hover uses), the document's own networks
// with predictions for every setting, and optionally a trace's path (its rounded codes) predicted.
import { exactCost } from '../predictors/networkInfo';
import { VIEW_LIMITS, type BenchmarkPoint, type ExplorerData, type OverlayNetwork, type SettingColumn } from './viewData';
import type { RequestHandler } from '../protocol';
import { CODE_LENGTH } from '../../core/space/multires';
import { loadPredictors, predictCodes, rec } from './viewPredictions';

export const BENCHMARK_EXPLORER_REQUEST = 'ncp/benchmarkExplorer';

function intCode(v: unknown, n: number): number[] | undefined {
  return Array.isArray(v) && v.length === n && v.every((x) => Number.isInteger(x)) ? (v as number[]) : undefined;
}

export const benchmarkExplorerRequest: RequestHandler = {
  method: BENCHMARK_EXPLORER_REQUEST,
  async handle(params, services): Promise<ExplorerData | { error: string }> {
    const p = rec(params);
    const uri = typeof p.uri === 'string' ? p.uri : '';
    const ctx = services.contextFor(uri);
    if (!ctx) return { error: `no open document ${uri}` };
    const file = typeof p.benchmarkPath === 'string' && p.benchmarkPath ? p.benchmarkPath : ctx.settings.benchmark.path;
    if (!file) return { error: 'no benchmark file: set ncp.benchmark.path or choose a file' };
    const index = await ctx.benchmark.get(file, ctx.workspaceRoot);
    if (!index) return { error: `cannot read the benchmark ${file} (the server log says why)` };
    const notes: string[] = [];
    const space = index.networks.size > 0 ? 'multires' : 'nb201';
    if (space === 'nb201' && index.cells.size === 0) return { error: `${index.path}: no networks or cells in the file` };
    const settings: SettingColumn[] = space === 'multires' ? Object.entries(index.settings).slice(0, VIEW_LIMITS.settings).map(([name, metrics]) => ({ name, metrics: metrics.slice(0, VIEW_LIMITS.metrics) })) : [{ name: 'nb201', metrics: ['acc'] }];
    let points: BenchmarkPoint[] = [];
    if (space === 'multires') {
      for (const [key, m] of index.networks) {
        if (!Number.isFinite(m.flops) || !Number.isFinite(m.params)) continue;
        points.push({ code: key.split(',').map(Number), flops: m.flops, params: m.params, values: settings.map((s) => m.results[s.name]?.slice(0, VIEW_LIMITS.metrics) ?? null) });
      }
    } else {
      for (const [key, c] of index.cells) {
        if (!Number.isFinite(c.flops) || !Number.isFinite(c.params)) continue;
        points.push({ code: key.split(',').map(Number), flops: c.flops, params: c.params, values: [[c.acc]] });
      }
    }
    if (points.length > VIEW_LIMITS.points) {
      // Every k-th network: the view stays responsive, and the picture keeps its shape.
      const k = Math.ceil(points.length / VIEW_LIMITS.points);
      notes.push(`showing every ${k}th of ${points.length} networks (at most ${VIEW_LIMITS.points})`);
      points = points.filter((_, i) => i % k === 0);
    }
    await loadPredictors(services, ctx, notes);
    const names = settings.map((s) => s.name);
    const own: { name: string; code: number[]; flops: number; params: number }[] = [];
    if (space === 'multires') {
      for (const n of ctx.analysis.networks.values()) {
        const c = n.code && exactCost(n.code);
        if (n.code && c) own.push({ name: n.name, code: n.code, ...c });
      }
    } else {
      for (const c of ctx.analysis.cells.values()) {
        const m = c.cell && index.cells.get(c.cell.join(','));
        if (c.cell && m) own.push({ name: c.name, code: c.cell, flops: m.flops, params: m.params });
      }
    }
    const ownPred = predictCodes(services, space, names, own.map((n) => n.code));
    const networks: OverlayNetwork[] = own.slice(0, VIEW_LIMITS.networks).map((n, i) => ({ ...n, predicted: ownPred[i] }));
    const data: ExplorerData = { source: index.path, space, settings, points, networks, uri, version: ctx.doc.version, notes };
    const path = rec(p.path);
    if (Array.isArray(path.codes) && space === 'multires') {
      const steps = (path.codes as unknown[]).slice(0, VIEW_LIMITS.pathSteps).flatMap((raw, i) => {
        const code = intCode(raw, CODE_LENGTH);
        const c = code && exactCost(code);
        const step = Array.isArray(path.steps) && Number.isInteger(path.steps[i]) ? (path.steps[i] as number) : i;
        return code && c ? [{ name: `step ${step}`, code, ...c, step }] : [];
      });
      const pred = predictCodes(services, space, names, steps.map((s) => s.code));
      data.path = { label: typeof path.label === 'string' ? path.label.slice(0, VIEW_LIMITS.name) : 'trace', steps: steps.map((s, i) => ({ ...s, predicted: pred[i] })) };
    }
    return data;
  },
};
