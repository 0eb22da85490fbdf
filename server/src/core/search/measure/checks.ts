// Checks on the metrics a training script returns, before they become a measurement: the same
// rules the data readers apply (core/data/values.ts), so whatever `search` writes, `suggest`,
// `train` and `--resume` read. A returned object must name every setting of the objective with
// the metric the objective reads; a known setting only its own metric names and of its own space;
// values finite and in the range the setting's data can hold (percentages 0–100, |x| ≤ 10⁴); a
// setting's metric names the same in every measurement. A setting of the user's own is accepted,
// unless its name looks like a typo of a known one (`Seg`, `sgementation`: the same rule as the
// CLI's data checks, core/settings.ts lookalikeSettings) and the user has not declared it new
// (--new-settings).
import type { ObjectiveTerm } from '../../propagate/types';
import { isPercentMetric, METRIC_LIMIT } from '../../data/values';
import { DEFAULT_CATALOGUE, lookalikeProblem, lookalikeSettings, type SettingCatalogue } from '../../settings';
import type { Measurement, Metrics, SpaceKind } from '../types';

const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const SETTING_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface MetricsCheck {
  metrics?: Metrics;
  /** What is wrong, for the failed measurement's reason. */
  problem?: string;
}

export class MetricsChecker {
  /** Setting → its metric names, as the first measurement of it had them. */
  private readonly names = new Map<string, string[]>();
  /** Settings not in the catalogue met so far (named once in the output). */
  readonly ownSettings = new Set<string>();

  constructor(
    private readonly space: SpaceKind,
    private readonly objective: readonly ObjectiveTerm[],
    private readonly catalogue: SettingCatalogue = DEFAULT_CATALOGUE,
    history: readonly Measurement[] = [],
    /** Settings the user declared new (--new-settings): never taken for typos of known ones. */
    private readonly declaredNew: ReadonlySet<string> = new Set(),
  ) {
    for (const m of history) if (m.ok && m.metrics) this.remember(m.metrics);
  }

  private remember(metrics: Metrics): void {
    for (const [s, ms] of Object.entries(metrics)) if (!this.names.has(s)) this.names.set(s, Object.keys(ms).sort());
  }

  /** The metrics, or the problem with them. Settings seen for the first time are remembered. */
  check(v: unknown): MetricsCheck {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { problem: 'metrics must be an object of settings, e.g. {"seg": {"mIoU": 76.1}}' };
    const obj = v as Record<string, unknown>;
    const need = this.objective.map((t) => `${t.setting}.${t.metric}`).join(', ');
    for (const t of this.objective) {
      if (!(t.setting in obj)) {
        const got = Object.keys(obj);
        return { problem: `the metrics lack setting '${t.setting}' (the objective reads ${need}; got ${got.length ? got.map((s) => `'${s}'`).join(', ') : 'no setting'})` };
      }
    }
    for (const [s, ms] of Object.entries(obj)) {
      if (!SETTING_NAME.test(s)) return { problem: `'${s.slice(0, 40)}' is not a setting name (1–64 letters, digits, '-' or '_')` };
      if (!ms || typeof ms !== 'object' || Array.isArray(ms)) return { problem: `metrics.${s} must be an object of metric → number, got ${JSON.stringify(ms)?.slice(0, 60)}` };
      const info = this.catalogue.resolve(s);
      const known = info && info.name === s && info.known !== false ? info : undefined;
      if (!known && !this.declaredNew.has(s)) {
        const near = lookalikeSettings(s);
        if (near.length > 0) return { problem: `${lookalikeProblem(s, near)}; if it is a new one, declare it (--new-settings ${s})` };
      }
      if (known && known.space !== this.space) {
        return { problem: `'${s}' is a setting of ${known.space === 'nb201' ? 'NAS-Bench-201 cells' : 'multi-resolution networks'}, this search measures ${this.space === 'nb201' ? 'NAS-Bench-201 cells' : 'multi-resolution networks'}` };
      }
      const entries = Object.entries(ms as Record<string, unknown>);
      if (entries.length === 0) return { problem: `metrics.${s} names no metric` };
      for (const [k, x] of entries) {
        if (!METRIC_NAME.test(k)) return { problem: `metrics.${s}: '${k.slice(0, 40)}' is not a metric name` };
        if (known && !known.metrics.includes(k)) return { problem: `metrics.${s}.${k}: '${s}' has no metric '${k}' (its metrics: ${known.metrics.join(', ')})` };
        if (typeof x !== 'number' || !Number.isFinite(x)) return { problem: `metrics.${s}.${k} must be a finite number, got ${JSON.stringify(x) ?? String(x)}` };
        if (Math.abs(x) > METRIC_LIMIT) return { problem: `metrics.${s}.${k} = ${x} is beyond ±${METRIC_LIMIT}: no benchmark holds such a value` };
        if (isPercentMetric(k) && (x < 0 || x > 100)) return { problem: `metrics.${s}.${k} = ${x}: a percentage is 0–100` };
      }
      const earlier = this.names.get(s);
      const now = entries.map(([k]) => k).sort();
      if (earlier && earlier.join(',') !== now.join(',')) return { problem: `metrics.${s} has ${now.join(', ')}; earlier measurements of '${s}' have ${earlier.join(', ')} (keep the same metrics)` };
    }
    for (const t of this.objective) {
      const x = (obj[t.setting] as Record<string, unknown>)[t.metric];
      if (x === undefined) return { problem: `metrics.${t.setting} lacks '${t.metric}' (the objective reads ${need})` };
    }
    const metrics = obj as Metrics;
    this.remember(metrics);
    for (const s of Object.keys(metrics)) {
      const info = this.catalogue.resolve(s);
      if (!info || info.name !== s || info.known === false) this.ownSettings.add(s);
    }
    return { metrics };
  }
}
