// Inlay hints after each network: its exact FLOPs and the main prediction of each setting in
// `ncp.hints.settings` (mean ± spread). Only the requested range is computed, and predictions
// come from the shared per-code cache, so typing re-predicts only the network that changed.
import { InlayHintKind, type InlayHint } from 'vscode-languageserver';
import { resolveSetting } from '../../core/settings';
import type { FeatureContext } from '../documents/context';
import { declarationsIn, lspRange } from '../documents/util';
import { exactCost, predictCell } from '../predictors/networkInfo';
import type { NetworkDecl } from '../../language/ast';

export function inlayHints(ctx: FeatureContext, startOffset: number, endOffset: number): InlayHint[] {
  if (!ctx.settings.hints.enabled) return [];
  const decls = declarationsIn(ctx.analysis.ast, startOffset, endOffset);
  const nets = decls.filter((d): d is NetworkDecl & { code: number[] } => d.kind === 'network' && d.code !== undefined);
  const hintSettings = ctx.settings.hints.settings
    .map((name) => resolveSetting(name))
    .filter((s) => s !== undefined && s.space === 'multires');
  const ready = ctx.predictions.state.kind === 'ready';
  // One batch per setting for all visible networks.
  const perSetting = ready
    ? hintSettings.map((s) => ({ s: s!, est: ctx.predictions.predict(s!.name, nets.map((n) => n.code)), metric: ctx.predictions.metrics(s!.name)[0] ?? s!.metrics[0] }))
    : [];
  const hints: InlayHint[] = [];
  nets.forEach((n, i) => {
    const parts: string[] = [];
    const c = exactCost(n.code);
    if (c) parts.push(`${c.flops.toFixed(2)} G`);
    for (const { s, est, metric } of perSetting) {
      const e = est[i]?.[0];
      if (e && Number.isFinite(e.mean) && Number.isFinite(e.std)) parts.push(`${s.name} ${metric} ${e.mean.toFixed(1)}±${e.std.toFixed(1)}`);
    }
    if (parts.length === 0) return;
    hints.push({
      position: lspRange(n.range).end,
      label: parts.join(' · '),
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: 'Exact FLOPs (G multiply-accumulates, 128×128 input) and predicted main metrics (mean ± ensemble spread, %).',
    });
  });
  if (ready) {
    for (const d of decls) {
      if (d.kind !== 'cell' || !d.cell) continue;
      const p = predictCell(ctx.predictions, d.cell);
      if (p) hints.push({ position: lspRange(d.range).end, label: `nb201 acc ${p.estimates[0].mean.toFixed(1)}±${p.estimates[0].std.toFixed(1)}`, kind: InlayHintKind.Type, paddingLeft: true });
    }
    hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
  }
  return hints;
}
