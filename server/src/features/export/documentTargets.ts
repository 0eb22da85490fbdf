// The targets (input size, head, classes) of the settings a document's propagate and search blocks
// maximise, where they differ from the benchmark's 128×128 classifier: the hover's second cost line.
import type { NcpDocument } from '../../language/ast';
import type { CostOptions } from '../../core/cost';
import { SETTING_TARGETS } from '../../core/export/settingTargets';

export interface DocumentTarget {
  /** The settings (as resolved) that aim at this target. */
  settings: string[];
  target: Required<CostOptions>;
}

/** Distinct targets of the settings the document's propagate and search blocks maximise. */
export function documentTargets(doc: NcpDocument): DocumentTarget[] {
  const byKey = new Map<string, DocumentTarget>();
  for (const d of doc.declarations) {
    if (d.kind !== 'propagate' && d.kind !== 'search') continue;
    for (const o of d.objectives) {
      const s = o.resolvedSetting;
      const t = s === undefined ? undefined : SETTING_TARGETS[s];
      if (!t || s === undefined) continue;
      const key = `${t.input.join('x')}:${t.head}:${t.classes}`;
      const entry = byKey.get(key) ?? { settings: [], target: t };
      if (!entry.settings.includes(s)) entry.settings.push(s);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()];
}
