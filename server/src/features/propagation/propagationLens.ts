// Code lenses on each propagate block: "▶ Run propagation" and, once it has run, "Show trace".
import type { CodeLens } from 'vscode-languageserver';
import type { FeatureContext } from '../documents/context';
import { COMMAND_RUN_BLOCK, COMMAND_SHOW_TRACE, hasTrace, traceKey } from './propagationRun';
import { lspRange } from '../documents/util';

export function propagationLenses(ctx: FeatureContext): CodeLens[] {
  const out: CodeLens[] = [];
  for (const p of ctx.analysis.propagations) {
    if (!p.name) continue;
    const range = lspRange(p.keywordRange);
    const arg = { uri: ctx.uri, name: p.name };
    out.push({ range, command: { title: '▶ Run propagation', command: COMMAND_RUN_BLOCK, arguments: [arg] } });
    if (hasTrace(ctx.uri, p.name)) {
      out.push({ range, command: { title: 'Show trace', command: COMMAND_SHOW_TRACE, arguments: [{ ...arg, key: traceKey(ctx.uri, p.name) }] } });
    }
  }
  return out;
}
