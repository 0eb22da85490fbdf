// Refactorings that rewrite a network in another of its three forms (structured block, benchmark
// string, list of 27 integers). The code, hence the network, is unchanged; only networks whose
// code is complete can be converted.
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { NetworkForm } from '../../language/ast';
import { printNetwork } from '../../language/print';
import type { FeatureContext } from '../documents/context';
import { declarationsIn, lspRange } from '../documents/util';
import { versionedEdit } from '../documents/documentEdit';

const FORMS: { form: NetworkForm; title: string }[] = [
  { form: 'structured', title: 'structured block' },
  { form: 'string', title: 'benchmark string' },
  { form: 'list', title: 'list of 27 integers' },
];

export function convertForms(ctx: FeatureContext, params: CodeActionParams): CodeAction[] {
  const start = ctx.doc.offsetAt(params.range.start);
  const end = ctx.doc.offsetAt(params.range.end);
  const out: CodeAction[] = [];
  for (const d of declarationsIn(ctx.analysis.ast, start, end)) {
    if (d.kind !== 'network' || !d.code || !d.name) continue;
    const inner = ctx.analysis.ast.comments.some((c) => c.range.startOffset > d.range.startOffset && c.range.endOffset < d.range.endOffset);
    for (const { form, title } of FORMS) {
      if (form === d.form) continue;
      out.push({
        title: `Convert '${d.name}' to a ${title}${inner ? ' (drops the comments inside it)' : ''}`,
        kind: CodeActionKind.RefactorRewrite,
        edit: versionedEdit(ctx.uri, ctx.doc.version, [{ range: lspRange(d.range), newText: printNetwork(d.name, d.code, form) }]),
      });
    }
  }
  return out;
}
