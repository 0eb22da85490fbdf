// Code actions on every network: propagate it to segmentation / classification / video, fit it
// into a FLOPs budget, and copy it as the authors' PyTorch arguments. The propagations run as
// server commands (see propagationRun.ts); copying is a client command (the clipboard is the editor's).
import type { CodeAction, CodeActionParams } from 'vscode-languageserver';
import { codeToNetwork } from '../../core/space/multires';
import { LIMITS } from '../../core/limits';
import type { FeatureContext } from '../documents/context';
import { COMMAND_COPY, COMMAND_FIT_BUDGET, COMMAND_PROPAGATE_NETWORK } from './propagationRun';
import { declarationsIn } from '../documents/util';

/** Kind of the propagation actions (a refactoring that adds a declaration). */
export const PROPAGATION_ACTION_KIND = 'refactor';

const TASKS = ['segmentation', 'classification', 'video'] as const;

/**
 * `MultiResolutionNet(...)` arguments of models/supernet.py, as Python. One line per block, as the
 * authors write it; a stage of more than LIMITS.torchBlockLines blocks is written as a Python list
 * repetition, so the text (and the time to make it) does not grow with the typed block count.
 */
export function torchArgsText(code: readonly number[]): string {
  const net = codeToNetwork(code);
  const list = (xs: readonly number[]) => `[${xs.join(', ')}]`;
  const lines: string[] = [];
  net.stages.forEach((s, idx) => {
    const block = `[${idx + 1}, ${list(s.units)}, ${list(s.channels)}]`;
    if (s.blocks <= LIMITS.torchBlockLines) for (let b = 0; b < s.blocks; b++) lines.push(`    ${block},`);
    else lines.push(`    *[${block}] * ${BigInt(s.blocks)},`); // BigInt: 1e308 printed as its digits, as Python reads it
  });
  return [
    'network_setting = [',
    ...lines,
    ']',
    `model = MultiResolutionNet(input_channel=${list(net.stem)}, network_setting=network_setting, last_channel=${net.head})`,
  ].join('\n');
}

export function propagationActions(ctx: FeatureContext, params: CodeActionParams): CodeAction[] {
  const start = ctx.doc.offsetAt(params.range.start);
  const end = ctx.doc.offsetAt(params.range.end);
  const out: CodeAction[] = [];
  for (const d of declarationsIn(ctx.analysis.ast, start, end)) {
    if (d.kind !== 'network' || !d.code || !d.name) continue;
    for (const to of TASKS) {
      out.push({
        title: `Propagate '${d.name}' to ${to}`,
        kind: PROPAGATION_ACTION_KIND,
        command: { title: `Propagate '${d.name}' to ${to}`, command: COMMAND_PROPAGATE_NETWORK, arguments: [{ uri: ctx.uri, network: d.name, to }] },
      });
    }
    const budget = ctx.settings.propagation.defaultBudget;
    out.push({
      title: budget === null ? `Fit '${d.name}' into a FLOPs budget…` : `Fit '${d.name}' into a FLOPs budget (${budget} G)…`,
      kind: PROPAGATION_ACTION_KIND,
      command: {
        title: 'Fit a FLOPs budget…',
        command: COMMAND_FIT_BUDGET,
        arguments: [{ uri: ctx.uri, network: d.name, ...(budget === null ? {} : { budget }) }],
      },
    });
    out.push({
      title: `Copy '${d.name}' as PyTorch network_setting`,
      kind: PROPAGATION_ACTION_KIND,
      command: { title: 'Copy as PyTorch network_setting', command: COMMAND_COPY, arguments: [torchArgsText(d.code), `Copied ${d.name} as PyTorch network_setting`] },
    });
  }
  return out;
}
