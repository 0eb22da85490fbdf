// Inlay hints after each network: the main prediction of the settings the file is about (what it
// maximises, then `ncp.hints.settings`; mean ± spread) first, then its exact FLOPs, within VS
// Code's default hint length; the tooltip holds the full line (headline.ts). Only the requested
// range is computed, and predictions come from the shared per-code cache, so typing re-predicts
// only the network that changed.
import { InlayHintKind, type InlayHint } from 'vscode-languageserver';
import type { FeatureContext } from '../documents/context';
import { declarationsIn, lspRange } from '../documents/util';
import { exactCost, predictCell } from '../predictors/networkInfo';
import type { NetworkDecl } from '../../language/ast';
import { fileSettings, hintLabel, hintTooltip, type HeadlinePrediction } from './headline';
import { documentCatalogue } from '../documents/analysisCache';
import { ownModelLine, ownModels } from '../documents/ownPredictions';

export function inlayHints(ctx: FeatureContext, startOffset: number, endOffset: number): InlayHint[] {
  if (!ctx.settings.hints.enabled) return [];
  const decls = declarationsIn(ctx.analysis.ast, startOffset, endOffset);
  const nets = decls.filter((d): d is NetworkDecl & { code: number[] } => d.kind === 'network' && d.code !== undefined);
  const hintSettings = fileSettings(ctx.analysis.ast, ctx.settings.hints.settings, documentCatalogue(ctx.analysis));
  const ready = ctx.predictions.state.kind === 'ready';
  // settings of one's own read their transfer models (features/predictors/transferModels.ts)
  const models = ownModels(ctx);
  const own = new Map(models.map((o) => [o.info.name, o.status.path]));
  const notes = models.filter((o) => hintSettings.some((s) => s.name === o.info.name)).map((o) => ownModelLine(o.status));
  // One batch per setting for all visible networks.
  const perSetting = ready
    ? hintSettings.map((s) => {
        const path = own.get(s.name);
        const codes = nets.map((n) => n.code);
        if (path !== undefined) return { s, est: ctx.own!.transfer.predict(path, s.name, codes), metric: s.metrics[0] };
        return { s, est: ctx.predictions.predict(s.name, codes), metric: ctx.predictions.metrics(s.name)[0] ?? s.metrics[0] };
      })
    : [];
  const hints: InlayHint[] = [];
  nets.forEach((n, i) => {
    const preds: HeadlinePrediction[] = [];
    const c = exactCost(n.code);
    for (const { s, est, metric } of perSetting) {
      const e = est[i]?.[0];
      if (e && Number.isFinite(e.mean) && Number.isFinite(e.std)) preds.push({ setting: s.name, metric, estimate: e });
    }
    if (!c && preds.length === 0) return;
    hints.push({
      position: lspRange(n.range).end,
      label: hintLabel(preds, c?.flops),
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: { kind: 'markdown', value: hintTooltip(preds, c?.flops, c?.params, notes) },
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
