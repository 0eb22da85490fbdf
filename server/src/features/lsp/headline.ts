// The headline of a network: the numbers a person came for, first. The settings a file is about
// (what its propagate/search blocks maximise, then `ncp.hints.settings`) lead, their main
// prediction before the exact cost; the inlay hint fits VS Code's default
// `editor.inlayHints.maximumLength` (43 characters — the editor cuts longer labels with "…") and
// its tooltip carries the full line. Shared by inlay hints and hover.
import type { Estimate } from '../../core/predict/types';
import { resolveSetting, type SettingCatalogue, type SettingInfo } from '../../core/settings';
import type { NcpDocument } from '../../language/ast';

/** VS Code's default `editor.inlayHints.maximumLength`: a label longer than this is cut. */
export const HINT_MAX_LENGTH = 43;

/**
 * The multi-resolution settings a document is about, in order, without repeats: those its
 * propagate and search blocks maximise (in source order), then the `ncp.hints.settings` ones.
 */
export function fileSettings(ast: NcpDocument, hintSettings: readonly string[], catalogue?: SettingCatalogue): SettingInfo[] {
  const out: SettingInfo[] = [];
  const add = (name: string | undefined): void => {
    const s = name === undefined ? undefined : catalogue ? catalogue.resolve(name) : resolveSetting(name);
    if (s && s.space === 'multires' && !out.some((x) => x.name === s.name)) out.push(s);
  };
  for (const d of ast.declarations) {
    if (d.kind !== 'propagate' && d.kind !== 'search') continue;
    for (const o of d.objectives) add(o.resolvedSetting);
  }
  for (const name of hintSettings) add(name);
  return out;
}

export interface HeadlinePrediction {
  setting: string;
  metric: string;
  estimate: Estimate;
}

function short(p: HeadlinePrediction, withMetric: boolean): string {
  return `${p.setting}${withMetric ? ` ${p.metric}` : ''} ${p.estimate.mean.toFixed(1)}±${p.estimate.std.toFixed(1)}`;
}

/** Cuts `text` to `max` characters, the last one an ellipsis, when it is longer. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * The inlay hint's label: the first setting's main prediction, then the exact FLOPs, then as many
 * further predictions as fit in `max` characters. Every prediction given is finite.
 */
export function hintLabel(preds: readonly HeadlinePrediction[], flopsG: number | undefined, max = HINT_MAX_LENGTH): string {
  const cost = flopsG === undefined ? undefined : `${flopsG.toFixed(2)} G`;
  const sep = ' · ';
  if (preds.length === 0) return cut(cost ?? '', max);
  const room = max - (cost ? cost.length + sep.length : 0);
  // The first prediction must fit beside the cost: drop its metric name, else shorten the setting's name.
  let first = short(preds[0], true);
  if (first.length > room) first = short(preds[0], false);
  if (first.length > room) {
    const value = ` ${preds[0].estimate.mean.toFixed(1)}±${preds[0].estimate.std.toFixed(1)}`;
    first = `${cut(preds[0].setting, Math.max(1, room - value.length))}${value}`;
  }
  let label = cost ? `${first}${sep}${cost}` : first;
  for (const p of preds.slice(1)) {
    const next = `${label}${sep}${short(p, true)}`;
    if (next.length > max) break;
    label = next;
  }
  return cut(label, max);
}

/** The full line, as markdown, for the hint's tooltip: every prediction (mean ± spread) and the exact cost. */
export function hintTooltip(preds: readonly HeadlinePrediction[], flopsG: number | undefined, paramsM: number | undefined, notes: readonly string[] = []): string {
  const parts = preds.map((p) => `**${p.setting}** ${p.metric} ${p.estimate.mean.toFixed(1)} ± ${p.estimate.std.toFixed(1)}`);
  if (flopsG !== undefined) parts.push(`**${flopsG.toFixed(3)} G** MACs${paramsM !== undefined ? ` · ${paramsM.toFixed(3)} M params` : ''} (exact)`);
  return [
    parts.join(' · '),
    '',
    '_Predicted main metric of each setting this file maximises and of `ncp.hints.settings` (mean ± ensemble spread, %); FLOPs exact (G multiply-accumulates, 128×128 input)._',
    // settings of one's own: their transfer model, and whether its spread is calibrated
    ...notes.flatMap((n) => ['', n]),
  ].join('\n');
}
