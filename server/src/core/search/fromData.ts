// Any data core/data reads (our JSON, pickles, CSV, JSON Lines, a search's own measurements file)
// as the search's measurements: `ncp suggest --data` fits on whatever the other commands read.
import type { Dataset } from '../data/types';
import type { Measurement, Metrics, SpaceKind } from './types';

/** The networks of `space` in `d`, measured (every setting's metrics by name) or failed. */
export function measurementsFromData(d: Dataset, space: SpaceKind): Measurement[] {
  const metricNames = new Map(d.settings.map((s) => [s.name, s.metrics]));
  const out: Measurement[] = [];
  for (const e of d.entries) {
    if (e.space !== space) continue;
    const metrics: Metrics = {};
    for (const [s, values] of Object.entries(e.results)) {
      const names = metricNames.get(s) ?? [];
      metrics[s] = Object.fromEntries(names.map((n, k) => [n, values[k]]));
    }
    out.push({ space, point: e.code, metrics, ok: true, seconds: 0 });
  }
  // failures count as tried: a suggestion never names a network that already failed
  for (const f of d.failed ?? []) if (f.space === space) out.push({ space, point: f.code, ok: false, seconds: 0 });
  return out;
}
