// Settings of the user's own, from a document's search blocks: a `measurements "FILE"` whose rows
// measure a setting the loaded catalogue does not know (e.g. {"metrics": {"mytask": {"top1": 71.2}}})
// makes that setting known in that document — its objectives resolve, and its hovers, hints and
// propagations read a transfer model fitted on those rows (predictors/transferModels.ts). A broken file is a
// warning on its name; an absent one is said only where the document names a setting unknown.
import type { DocumentAnalysis } from '../../language/analyze';
import type { NcpDiagnostic } from '../../language/diagnostics';
import type { SearchDecl } from '../../language/ast';
import { declareSetting, lookalikeSettings, type SettingCatalogue, type SettingInfo } from '../../core/settings';
import { didYouMean } from '../../language/suggest';
import type { Measurement } from '../../core/search/types';
import type { TransferFile } from '../predictors/transferModels';
import { MeasurementsReadError, loadMeasurements, measurementsPath, searchDecls } from './searchBlock';

/** One measurements file of a document and the settings of one's own it holds (what its transfer models fit on). */
export type OwnFile = TransferFile;

export interface OwnSettings {
  files: OwnFile[];
  /** The catalogue the document's objectives resolve against (undefined: the base one, nothing added). */
  catalogue?: SettingCatalogue;
  /** Problems with the files (unreadable, bad rows, too large; absent where it matters). */
  diagnostics: NcpDiagnostic[];
}

/** A search block's `measurements` statement, for where a problem with the file is shown. */
function measurementsRange(d: SearchDecl): NcpDiagnostic['range'] {
  for (const st of d.statements) if (st.kind === 'measurements') return st.value?.range ?? st.range;
  return d.nameRange;
}

/** Per rows object (the same while the file is unchanged): what ownSettingsOfRows found, so a keystroke does not scan the rows. */
const found = new WeakMap<readonly Measurement[], { base: SettingCatalogue; file: string; settings: SettingInfo[] }>();

function ownSettingsCached(rows: readonly Measurement[], base: SettingCatalogue, file: string): SettingInfo[] {
  const hit = found.get(rows);
  if (hit && hit.base === base && hit.file === file) return hit.settings;
  const settings = ownSettingsOfRows(rows, base, file);
  found.set(rows, { base, file, settings });
  return settings;
}

/** Per base catalogue, the last one extended with settings of one's own, and from which lists. */
const extended = new WeakMap<SettingCatalogue, { lists: SettingInfo[][]; catalogue: SettingCatalogue }>();

/**
 * `base` with the files' settings of one's own (undefined: none). The same object while the lists
 * are (they are while the files are unchanged: ownSettingsCached), so a keystroke builds nothing.
 */
function extendedCatalogue(base: SettingCatalogue, lists: SettingInfo[][]): SettingCatalogue | undefined {
  if (lists.every((l) => l.length === 0)) return undefined;
  const hit = extended.get(base);
  if (hit && hit.lists.length === lists.length && hit.lists.every((l, i) => l === lists[i])) return hit.catalogue;
  // two files measuring the same setting of one's own: the first file's declaration is the one
  const catalogue = base.with(lists.flat());
  extended.set(base, { lists, catalogue });
  return catalogue;
}

/** The settings of one's own in rows: those `base` does not resolve, metrics in order of appearance. */
export function ownSettingsOfRows(rows: readonly Measurement[], base: SettingCatalogue, file: string): SettingInfo[] {
  const found = new Map<string, { space: Measurement['space']; metrics: string[]; rows: number }>();
  for (const m of rows) {
    if (!m.ok || !m.metrics) continue;
    for (const [s, ms] of Object.entries(m.metrics)) {
      if (base.resolve(s)) continue;
      let e = found.get(s);
      if (!e) found.set(s, (e = { space: m.space, metrics: [], rows: 0 }));
      e.rows++;
      for (const k of Object.keys(ms)) if (!e.metrics.includes(k)) e.metrics.push(k);
    }
  }
  return [...found].map(([name, e]) =>
    declareSetting(name, { space: e.space, metrics: e.metrics, label: `${name}: a setting of your own (${e.rows} measured in ${file})` }),
  );
}

/** The files, settings of one's own and file problems of a document's search blocks. */
export function ownSettingsOf(a: DocumentAnalysis, uri: string, base: SettingCatalogue): OwnSettings {
  const files: OwnFile[] = [];
  const diagnostics: NcpDiagnostic[] = [];
  const seen = new Set<string>();
  const absent: SearchDecl[] = [];
  for (const d of searchDecls(a)) {
    const path = measurementsPath(uri, d.measurements);
    if (!path || seen.has(path)) continue;
    seen.add(path);
    let measurements: Measurement[];
    try {
      measurements = loadMeasurements(path);
    } catch (e) {
      if (!(e instanceof MeasurementsReadError)) throw e;
      diagnostics.push({ range: measurementsRange(d), severity: 'warning', code: 'measurements-unreadable', message: `${e.message} (settings of your own in it stay unknown, predictions from it unavailable)` });
      continue;
    }
    if (measurements.length === 0) absent.push(d);
    const settings = ownSettingsCached(measurements, base, d.measurements ?? path);
    files.push({ path, file: d.measurements ?? path, measurements, settings });
    // `Seg` next to seg: taken as a setting of one's own, but most likely a typo in the rows
    for (const s of settings) {
      const near = lookalikeSettings(s.name);
      if (near.length === 0) continue;
      diagnostics.push({
        range: measurementsRange(d),
        severity: 'warning',
        code: 'measurements-lookalike',
        message: `${d.measurements} measures setting '${s.name}', taken as a setting of your own${didYouMean(near)}`,
      });
    }
  }
  const catalogue = extendedCatalogue(base, files.map((f) => f.settings));
  if (absent.length > 0 && a.diagnostics.some((x) => x.code === 'unknown-setting')) {
    for (const d of absent) {
      diagnostics.push({
        range: measurementsRange(d),
        severity: 'information',
        code: 'measurements-empty',
        message: `${d.measurements} does not exist yet or holds no rows: a setting of your own becomes known here once it holds measurements of it (rows as 'ncprop search --out' writes them)`,
      });
    }
  }
  return { files, catalogue, diagnostics };
}
