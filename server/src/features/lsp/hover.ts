// Hover: on a network (its name, any of its numbers, a `from` reference) the exact FLOPs and
// params, the per-stage breakdown, the code string, every setting's predicted metrics (mean ±
// spread) and, when `ncp.benchmark.path` names a benchmark holding the network, the measured
// values. On a setting or metric name its description; on a cell its ops and predictions; on a
// propagate block's keywords and strategy values what they mean (keywordDocs.ts). Predictions lead
// (headline.ts), the exact cost follows.
import type { CancellationToken, Hover } from 'vscode-languageserver';
import type { CellDecl, NetworkDecl, NetworkNumber } from '../../language/ast';
import { CODE_KINDS, CODE_LAYOUT, BENCHMARK_RANGE } from '../../core/space/multires';
import { NB201_EDGES, NB201_OPS } from '../../core/space/nb201';
import { activeCatalogue, METRIC_LABELS, resolveSetting } from '../../core/settings';
import type { FeatureContext } from '../documents/context';
import type { BenchmarkIndex } from '../predictors/benchmarkLookup';
import { contains, declarationAt, lspRange } from '../documents/util';
import { measuredMarkdown } from '../search/searchBlock';
import { escapeMarkdown } from '../documents/util';
import { breakdown, codeString, exactCost, predictAllSettings, predictCell, pm } from '../predictors/networkInfo';
import { cost as costAt } from '../../core/cost';
import { documentTargets } from '../export/documentTargets';
import { fileSettings } from './headline';
import { propagateKeywordHover } from './keywordDocs';
import { ownModelLine, ownModels, predictOwn } from '../documents/ownPredictions';
import { documentCatalogue } from '../documents/analysisCache';

/** Appends a search's measured values (searchBlock.ts) as their own section. */
function withMeasured(lines: string[], measured: string[]): void {
  if (measured.length > 0) lines.push('', '---', '', ...measured);
}

function numberAt(net: NetworkDecl, offset: number): NetworkNumber | undefined {
  // A network has at most a few dozen numbers: a scan is cheap and needs no ordering.
  return net.numbers.find((n) => contains(n.range, offset));
}

function numberLine(n: NetworkNumber): string {
  if (n.role === 'stage') return `\`${n.text}\`: stage number (the branch count, not part of the code)`;
  if (n.role === 'extra') return `\`${n.text}\`: not part of the network code (an extra entry)`;
  const kind = CODE_KINDS[n.index];
  const r = BENCHMARK_RANGE[kind];
  const range = r.step === 1 ? `${r.min}–${r.max}` : `${r.min}–${r.max}, step ${r.step}`;
  return `\`${CODE_LAYOUT[n.index]}\` = **${n.text}** (code position ${n.index + 1} of 27; benchmark range ${range})`;
}

function predictorStatus(ctx: FeatureContext): string | undefined {
  const s = ctx.predictions.state;
  if (s.kind === 'loading' || s.kind === 'idle') return '_Predictions: loading the predictors…_';
  if (s.kind === 'failed') return `_Predictions unavailable: ${s.message}_`;
  return undefined;
}

async function benchmarkIndex(ctx: FeatureContext): Promise<BenchmarkIndex | undefined> {
  return ctx.settings.benchmark.path ? ctx.benchmark.get(ctx.settings.benchmark.path, ctx.workspaceRoot) : undefined;
}


async function networkMarkdown(ctx: FeatureContext, net: NetworkDecl): Promise<string[]> {
  const lines: string[] = [`**network ${net.name || '(unnamed)'}** — ${net.form} form`];
  const code = net.code;
  if (!code) {
    lines.push('', '_Not a complete network yet: fix the errors to see its cost and predictions._');
    return lines;
  }
  const c = exactCost(code);
  const bd = breakdown(code);
  const index = await benchmarkIndex(ctx);
  const measured = index?.networks.get(code.join(','));
  const own = ownModels(ctx);
  const ownPreds = predictOwn(ctx, code);
  const preds = [...predictAllSettings(ctx.predictions, code), ...ownPreds];
  const status = predictorStatus(ctx);
  // The predictions a person came for lead (the settings this file maximises, then the hints'),
  // then the exact cost; the full tables follow.
  const bySetting = new Map(preds.map((p) => [p.setting.name, p]));
  const headline = fileSettings(ctx.analysis.ast, ctx.settings.hints.settings, documentCatalogue(ctx.analysis))
    .map((s) => bySetting.get(s.name))
    .filter((p): p is NonNullable<typeof p> => p !== undefined && p.estimates[0] !== undefined);
  if (headline.length > 0) {
    lines.push('', headline.map((p) => `${p.setting.name} ${p.metrics[0] ?? p.setting.metrics[0]} **${pm(p.estimates[0]!)}**`).join(' · ') + ' (predicted)');
  } else if (status) lines.push('', status);
  // settings of one's own: which model predicts them and how far its spread is calibrated, next
  // to their numbers (an uncalibrated spread must not be read as a calibrated one)
  for (const o of own) if (o.info.space === 'multires') lines.push('', ownModelLine(o.status));
  if (c) {
    lines.push('', `FLOPs **${c.flops.toFixed(3)} G** · params **${c.params.toFixed(3)} M** (exact; 128×128 input, 50-class head)`);
    // at the input size and head of the settings the file's blocks maximise (core/export/settingTargets.ts)
    for (const t of documentTargets(ctx.analysis.ast)) {
      const a = costAt(code, t.target);
      const [h, w] = t.target.input;
      lines.push('', `at ${h}×${w}, ${t.target.head === 'seg' ? 'segmentation' : 'classification'} head (${t.settings.map((s) => `\`${s}\``).join(', ')}): FLOPs **${a.flops.toFixed(3)} G** · params **${a.params.toFixed(3)} M**`);
    }
  }
  if (preds.length > 0 || measured) {
    const header = measured ? '| setting | metric | predicted (mean ± spread) | measured |' : '| setting | metric | predicted (mean ± spread) |';
    lines.push('', header, measured ? '|---|---|---:|---:|' : '|---|---|---:|');
    for (const s of [...activeCatalogue().settings, ...own.map((o) => o.info)]) {
      if (s.space !== 'multires') continue;
      const p = bySetting.get(s.name);
      const m = measured?.results[s.name];
      if (!p && !m) continue;
      const metrics = p?.metrics ?? index?.settings[s.name] ?? s.metrics;
      metrics.forEach((metric, mi) => {
        const pred = p?.estimates[mi] ? pm(p.estimates[mi]) : '—';
        const row = `| ${mi === 0 ? s.name : ''} | ${metric} | ${pred} |`;
        lines.push(measured ? `${row} ${m?.[mi] !== undefined ? `${m[mi].toFixed(2)} (measured)` : '—'} |` : row);
      });
    }
    if (measured) lines.push('', `Measured values: ${escapeMarkdown(index!.path)} (benchmark FLOPs ${measured.flops.toFixed(3)} G, params ${measured.params.toFixed(3)} M).`);
  }
  if (bd) {
    lines.push('', '| part | FLOPs (G) | params (M) |', '|---|---:|---:|');
    lines.push(`| stem | ${bd.stem.flops.toFixed(3)} | ${bd.stem.params.toFixed(3)} |`);
    bd.stages.forEach((s, i) => lines.push(`| stage ${i + 1} | ${s.flops.toFixed(3)} | ${s.params.toFixed(3)} |`));
    lines.push(`| head | ${bd.head.flops.toFixed(3)} | ${bd.head.params.toFixed(3)} |`);
  }
  const str = codeString(code);
  if (str) lines.push('', `code \`${str}\``);
  return lines;
}

async function cellMarkdown(ctx: FeatureContext, cell: CellDecl): Promise<string[]> {
  const lines = [`**cell ${cell.name || '(unnamed)'}** — NAS-Bench-201`];
  if (!cell.cell) {
    lines.push('', '_Not a valid cell yet._');
    return lines;
  }
  // The prediction leads, the ops after it.
  const p = predictCell(ctx.predictions, cell.cell);
  if (p) lines.push('', `Predicted ${p.metrics[0] ?? 'acc'}: **${pm(p.estimates[0])}** %`);
  // settings of one's own of cells: their transfer models' predictions (how far to trust them: below)
  for (const o of predictOwn(ctx, cell.cell, 'nb201')) lines.push('', `Predicted ${o.setting.name} ${o.metrics[0]}: **${pm(o.estimates[0])}**`);
  const index = await benchmarkIndex(ctx);
  const m = index?.cells.get(cell.cell.join(','));
  if (m) lines.push('', `Measured acc: **${m.acc.toFixed(2)} %** (measured), FLOPs ${m.flops} M, params ${m.params} M`);
  lines.push('', '| edge | op |', '|---|---|');
  cell.cell.forEach((op, e) => lines.push(`| ${NB201_EDGES[e]} | ${NB201_OPS[op]} |`));
  const status = predictorStatus(ctx);
  if (status && !p) lines.push('', status);
  for (const o of ownModels(ctx)) if (o.info.space === 'nb201') lines.push('', ownModelLine(o.status));
  return lines;
}

function settingMarkdown(ctx: FeatureContext, name: string): string | undefined {
  const cat = documentCatalogue(ctx.analysis) ?? activeCatalogue();
  const s = cat.resolve(name);
  if (!s) return undefined;
  const alias = cat.taskAlias(name) ? ` (the main setting of the ${name} task)` : '';
  return [`**${s.name}**${alias} — ${s.task}`, '', s.label, '', `Metrics: ${s.metrics.map((m, i) => (i === 0 ? `\`${m}\` (main)` : `\`${m}\``)).join(', ')}`].join('\n');
}

/** A budget line: the limit against the start network's exact cost. */
function budgetMarkdown(ctx: FeatureContext, from: string | undefined, kind: 'flops' | 'params', limit: number | undefined): string | undefined {
  if (limit === undefined) return undefined;
  const unit = kind === 'flops' ? 'G' : 'M';
  const lines = [`**${kind} ≤ ${limit} ${unit}** — a hard budget on the exact ${kind === 'flops' ? 'multiply-accumulates (128×128 input)' : 'parameter count'}`];
  const net = from ? ctx.analysis.networks.get(from) : undefined;
  const c = net?.code ? exactCost(net.code) : undefined;
  if (net && c) {
    const v = kind === 'flops' ? c.flops : c.params;
    const verdict = v <= limit ? `within the budget (${(limit - v).toFixed(3)} ${unit} to spare)` : `over the budget by ${(v - limit).toFixed(3)} ${unit}`;
    lines.push('', `Start network \`${net.name}\`: ${v.toFixed(3)} ${unit}, ${verdict}.`);
  }
  return lines.join('\n');
}

export async function hover(ctx: FeatureContext, offset: number, token?: CancellationToken): Promise<Hover | null> {
  if (token?.isCancellationRequested) return null;
  const ast = ctx.analysis.ast;
  const d = declarationAt(ast, offset);
  if (!d) return null;
  if (d.kind === 'network') {
    const n = numberAt(d, offset);
    const lines = await networkMarkdown(ctx, d);
    if (d.code) withMeasured(lines, measuredMarkdown(ctx.analysis, ctx.uri, 'multires', d.code));
    if (n) lines.unshift(numberLine(n), '', '---', '');
    return { contents: { kind: 'markdown', value: lines.join('\n') }, range: lspRange(n ? n.range : d.nameRange) };
  }
  if (d.kind === 'cell') {
    const lines = await cellMarkdown(ctx, d);
    if (d.cell) withMeasured(lines, measuredMarkdown(ctx.analysis, ctx.uri, 'nb201', d.cell));
    return { contents: { kind: 'markdown', value: lines.join('\n') }, range: lspRange(d.nameRange) };
  }
  if (d.kind === 'search') return null;
  if (d.from && contains(d.from.range, offset)) {
    const target = ast.declarations.find((x) => (x.kind === 'network' || x.kind === 'cell') && x.name === d.from!.text);
    if (!target || target.kind === 'propagate' || target.kind === 'search') return { contents: { kind: 'markdown', value: `No network or cell named \`${d.from.text}\`.` }, range: lspRange(d.from.range) };
    const lines = target.kind === 'network' ? await networkMarkdown(ctx, target) : await cellMarkdown(ctx, target);
    return { contents: { kind: 'markdown', value: lines.join('\n') }, range: lspRange(d.from.range) };
  }
  for (const s of d.statements) {
    if ((s.kind === 'flops' || s.kind === 'params') && contains(s.range, offset)) {
      const md = budgetMarkdown(ctx, d.from?.text, s.kind, s.limit);
      if (md) return { contents: { kind: 'markdown', value: md }, range: lspRange(s.range) };
    }
    if (s.kind !== 'maximize') continue;
    if (s.setting && contains(s.setting.range, offset)) {
      const md = settingMarkdown(ctx, s.setting.text);
      if (md) return { contents: { kind: 'markdown', value: md }, range: lspRange(s.setting.range) };
    }
    if (s.metric && contains(s.metric.range, offset)) {
      const owner = s.setting ? (documentCatalogue(ctx.analysis)?.resolve(s.setting.text) ?? resolveSetting(s.setting.text)) : undefined;
      const label = METRIC_LABELS[s.metric.text] ?? (owner?.metrics.includes(s.metric.text) ? `a metric of ${owner.name} (from the data)` : undefined);
      if (label) return { contents: { kind: 'markdown', value: `**${s.metric.text}** — ${label}` }, range: lspRange(s.metric.range) };
    }
  }
  return propagateKeywordHover(d, offset) ?? null;
}
