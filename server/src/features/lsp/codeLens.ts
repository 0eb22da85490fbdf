// Code lenses are the union of independent providers, like code actions: a new provider (e.g.
// "run this propagation") is one file plus one line in `codeLensProviders`. Exact cost is already
// an inlay hint, so there is no built-in lens.
import type { CodeLens } from 'vscode-languageserver';
import type { FeatureContext } from '../documents/context';
import { propagationLenses } from '../propagation/propagationLens';
import { searchLenses } from '../search/searchSuggest';
import { runLenses } from '../search/searchRun';

export type CodeLensProvider = (ctx: FeatureContext) => CodeLens[] | Promise<CodeLens[]>;

export const codeLensProviders: CodeLensProvider[] = [propagationLenses, searchLenses, runLenses];

export async function codeLenses(ctx: FeatureContext, log: (m: string) => void): Promise<CodeLens[]> {
  const out: CodeLens[] = [];
  for (const provide of codeLensProviders) {
    try {
      out.push(...(await provide(ctx)));
    } catch (e) {
      log(`code lens provider ${provide.name || '?'} failed: ${(e as Error).stack ?? e}`);
    }
  }
  return out;
}
