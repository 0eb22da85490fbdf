// Checks of the settings a dataset brings, against the settings we know (core/settings.ts): a known
// setting's metrics must be its own (`seg` with a column `miou` or `top1` is a typo or the wrong
// setting, never a redefinition of seg), and a new setting whose name is within a small edit
// distance of a known setting or task (`Seg`, `sgementation`) is refused with a suggestion unless
// it is declared new — in our JSON's `settings` section, or by the caller (the CLI's
// --new-settings flag). Pure: the CLI turns the problems into a usage error before any work.
import { closest, didYouMean } from '../language/suggest';
import { declareSetting, lookalikeProblem, lookalikeSettings, SETTINGS } from '../core/settings';
import type { Dataset } from '../core/data/types';
import type { TrainingData } from '../core/predict/dataset';
import { BENCHMARK_RANGE, CODE_KINDS } from '../core/space/multires';
import { UsageError } from './command';

export interface SettingCheckOptions {
  /** Settings the user declared new (not typos of known ones). */
  declaredNew?: ReadonlySet<string>;
}

/** Where a setting's first value came from ('file: row 3'), for messages. */
function firstOrigin(d: Dataset, setting: string): string {
  for (const e of d.entries) if (e.results[setting] !== undefined) return e.origin[setting] ?? d.sources.join(', ');
  return d.sources.join(', ');
}

/** The problems, one sentence each (empty: the settings are fine). */
export function settingProblems(d: Dataset, o: SettingCheckOptions = {}): string[] {
  const known = [...SETTINGS, declareSetting('3ddet')];
  const out: string[] = [];
  for (const s of d.settings) {
    const k = known.find((x) => x.name === s.name);
    if (k) {
      const bad = s.metrics.filter((m) => !k.metrics.includes(m));
      for (const m of bad) {
        out.push(`${firstOrigin(d, s.name)}: setting '${s.name}' has no metric '${m}'${didYouMean(closest(m, k.metrics, 2))}; its metrics: ${k.metrics.join(', ')} (a metric of your own belongs to a setting of your own, e.g. '${s.name}-mine')`);
      }
      continue;
    }
    if (s.declared || o.declaredNew?.has(s.name)) continue;
    const near = lookalikeSettings(s.name);
    if (near.length > 0) out.push(`${firstOrigin(d, s.name)}: ${lookalikeProblem(s.name, near)}; if it is a new one, declare it (--new-settings ${s.name}, or a 'settings' section in our JSON)`);
  }
  return out;
}

/** How far outside the benchmark's range a code value may be before the data is refused (×max). */
const FAR_OUTSIDE = 4;

/**
 * Why training data cannot teach a predictor anything, checked before a model folder is touched:
 * a setting whose main metric is the same for every network (nothing to rank), or networks whose
 * codes are far outside the space (an absurd value is a broken file, not a design).
 */
export function teachingProblems(data: TrainingData): string[] {
  const out: string[] = [];
  for (const s of data.settings) {
    if (s.targets.length < 2) continue;
    const main = s.targets.map((t) => t[0]);
    if (main.every((v) => v === main[0])) out.push(`setting '${s.setting}': its main metric '${s.metrics[0]}' is ${main[0]} for all ${main.length} networks: there is nothing to learn (wrong column?)`);
  }
  const d = data.dataset;
  if (d) {
    let shown = 0;
    let far = 0;
    for (const e of d.entries) {
      if (e.space !== 'multires') continue;
      const bad = CODE_KINDS.findIndex((k, i) => e.code[i] > FAR_OUTSIDE * BENCHMARK_RANGE[k].max);
      if (bad < 0) continue;
      far++;
      if (shown++ < 3) {
        const origin = Object.values(e.origin)[0] ?? d.sources.join(', ');
        out.push(`${origin}: code position ${bad + 1} (${CODE_KINDS[bad]}) is ${e.code[bad]}, more than ${FAR_OUTSIDE}× the benchmark's largest ${BENCHMARK_RANGE[CODE_KINDS[bad]].max}: not a network of the space`);
      }
    }
    if (far > 3) out.push(`… ${far - 3} more network(s) far outside the space`);
  }
  return out;
}

/** The data as read, refused (usage error, status 2) when its settings or values are wrong. */
export function checkData<T extends { dataset?: Dataset } | Dataset>(data: T, o: SettingCheckOptions & { training?: boolean } = {}): T {
  const d = 'entries' in data ? (data as Dataset) : (data as { dataset?: Dataset }).dataset;
  const problems = d ? settingProblems(d, o) : [];
  if (o.training && !('entries' in data)) problems.push(...teachingProblems(data as unknown as TrainingData));
  if (problems.length > 0) throw new UsageError(`--data: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}`);
  return data;
}

/** `--new-settings a,b`: settings the user declares new (not typos of known ones). */
export function newSettingsOption(v: string | undefined): Set<string> {
  return new Set((v ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}
