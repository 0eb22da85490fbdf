// Code actions are the union of independent providers. A new kind of action (e.g. propagation)
// is one file exporting a CodeActionProvider plus one line in `codeActionProviders` below.
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { FeatureContext } from '../documents/context';
import { quickFixes } from './quickFixes';
import { convertForms } from './convertForms';
import { propagationActions } from '../propagation/propagationActions';
import { exportActions } from '../export/exportNetwork';

export type CodeActionProvider = (ctx: FeatureContext, params: CodeActionParams) => CodeAction[] | Promise<CodeAction[]>;

export const codeActionProviders: CodeActionProvider[] = [quickFixes, convertForms, propagationActions, exportActions];

export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, CodeActionKind.Refactor];

export async function codeActions(ctx: FeatureContext, params: CodeActionParams, log: (m: string) => void): Promise<CodeAction[]> {
  const out: CodeAction[] = [];
  for (const provide of codeActionProviders) {
    try {
      out.push(...(await provide(ctx, params)));
    } catch (e) {
      // One failing provider must not take the others' actions away.
      log(`code action provider ${provide.name || '?'} failed: ${(e as Error).stack ?? e}`);
    }
  }
  const only = params.context.only;
  return only && only.length > 0 ? out.filter((a) => only.some((k) => a.kind === k || a.kind?.startsWith(k + '.'))) : out;
}
