// `ncp/searchProgress {uri, name}`: a search block's measurements in file order, with the
// objective of each and the best so far — what a view draws as best-so-far against queries.
import { objectiveValue } from '../../core/search/loop';
import { budgeting } from '../../core/search/loop';
import { termLabel } from '../../core/propagate';
import type { RequestHandler } from '../protocol';
import { MeasurementsReadError, loadMeasurements, searchSpec } from './searchBlock';

export const SEARCH_PROGRESS_REQUEST = 'ncp/searchProgress';

export interface SearchProgressPoint {
  /** 1-based query number (a row of the file). */
  query: number;
  /** The row's objective (Σ weight·metric), undefined when it failed, lacks a metric or is over budget. */
  value?: number;
  /** Best value among rows 1..query. */
  best?: number;
  ok: boolean;
}

export interface SearchProgressAnswer {
  name: string;
  objective: string;
  file?: string;
  points: SearchProgressPoint[];
  error?: string;
}

export const searchProgressRequest: RequestHandler = {
  method: SEARCH_PROGRESS_REQUEST,
  handle(params, services): SearchProgressAnswer | { error: string } {
    const p = (params ?? {}) as { uri?: unknown; name?: unknown };
    const uri = String(p.uri ?? '');
    const ctx = services.contextFor(uri);
    if (!ctx) return { error: `no open document ${uri}` };
    const spec = searchSpec(ctx.analysis, uri, String(p.name ?? ''), ctx.settings.propagation.lambda);
    if ('problem' in spec) return { error: spec.problem };
    const objective = spec.objective.map(termLabel).join(' + ');
    const answer: SearchProgressAnswer = { name: spec.decl.name, objective, file: spec.decl.measurements, points: [] };
    if (!spec.path) return answer;
    let rows;
    try {
      rows = loadMeasurements(spec.path);
    } catch (e) {
      if (e instanceof MeasurementsReadError) return { ...answer, error: e.message };
      throw e;
    }
    // a network over the block's hard budget never counts as the best (as in the loop)
    const b = budgeting(spec.space, { flopsMax: spec.flopsMax, paramsMax: spec.paramsMax, cost: spec.cost });
    let best: number | undefined;
    rows.forEach((m, i) => {
      const v = m.space === spec.space && b.feasible(m.point) ? objectiveValue(m, spec.objective) : undefined;
      if (v !== undefined && (best === undefined || v > best)) best = v;
      answer.points.push({ query: i + 1, ok: m.ok, ...(v !== undefined ? { value: v } : {}), ...(best !== undefined ? { best } : {}) });
    });
    return answer;
  },
};
