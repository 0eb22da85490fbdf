// Refactorings that rewrite a network in another of its three forms (structured block, benchmark
// string, list of 27 integers); the code, hence the network, is unchanged.
import type { CodeAction, CodeActionParams } from 'vscode-languageserver';
import type { FeatureContext } from './context';

export function convertForms(ctx: FeatureContext, params: CodeActionParams): CodeAction[] {
  void ctx;
  void params;
  return [];
}
