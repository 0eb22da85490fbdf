// One analysis per document version, shared by every feature (incremental for large documents),
// and the text that warms the parser at start-up.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, withLazyTokens, type DocumentAnalysis } from '../../language/analyze';
import type { NcpDiagnostic } from '../../language/diagnostics';
import type { SettingCatalogue } from '../../core/settings';
import { IncrementalAnalyzer, catalogueKey } from './incrementalAnalysis';

/**
 * What the server adds to a document's analysis from outside its text (the settings of one's own
 * its measurements files hold: features/search/ownSettings.ts), or undefined for nothing.
 */
export type AnalysisExtension = (uri: string, analysis: DocumentAnalysis) => { catalogue?: SettingCatalogue; diagnostics: NcpDiagnostic[] } | undefined;

/** The catalogue a document's objectives were resolved against, when it is not the active one. */
const catalogues = new WeakMap<DocumentAnalysis, SettingCatalogue>();

export function documentCatalogue(a: DocumentAnalysis): SettingCatalogue | undefined {
  return catalogues.get(a);
}

/** A document with every construct, analysed once at start-up to warm the parser. */
export const WARM_UP_TEXT = Array.from({ length: 40 }, (_, i) =>
  [
    `network w${i} {\n  stem 64 64\n  stage 1 blocks 1 units [4] channels [64]\n  stage 2 blocks 1 units [4, 4] channels [32, 64]`,
    `  stage 3 blocks 4 units [4, 4, 4] channels [32, 64, 128]\n  stage 4 blocks 3 units [4, 4, 4, 4] channels [32, 64, 128, 128]\n  head 128\n}`,
    `network s${i} = "32_16-1_1_1_32-3_2_3_2_16_32-1_3_1_1_1_112_48_32-2_4_4_3_4_2_32_64_32_112-128" // c`,
    `network l${i} = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]`,
    `cell c${i} = "|nor_conv_1x1~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"`,
    `propagate p${i} from w${i} {\n  maximize 0.5 * seg.mIoU\n  flops <= 2.5 G\n  lambda 0.5\n  strategy winner-takes-all\n  steps 70\n}`,
  ].join('\n'),
).join('\n');

/** One analysis per document version; every feature reads it from here. */
export class AnalysisCache {
  private readonly entries = new Map<string, { version: number; analysis: DocumentAnalysis }>();
  private extension: AnalysisExtension | undefined;
  /** Analyses computed since start (exposed for tests through `ncp/status`). */
  computed = 0;
  private incremental = new IncrementalAnalyzer();
  /** The catalogue each document's last analysis resolved against (its settings of one's own). */
  private readonly ownCatalogues = new Map<string, SettingCatalogue>();

  constructor(private readonly log: (m: string) => void) {}

  get(doc: TextDocument): DocumentAnalysis {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.analysis;
    const analysis = this.analyze(doc);
    this.entries.set(doc.uri, { version: doc.version, analysis });
    return analysis;
  }

  /** Sets what the server adds from outside the text (see AnalysisExtension). */
  extend(extension: AnalysisExtension): void {
    this.extension = extension;
  }

  /** Drops the analysis of a document whose outside inputs changed (its next get analyses again). */
  invalidate(uri: string): void {
    this.entries.delete(uri);
  }

  private analyze(doc: TextDocument): DocumentAnalysis {
    this.computed++;
    try {
      const text = doc.getText();
      // Objectives resolve against the document's catalogue, which comes from its search blocks'
      // measurements files, read from the analysis: analyse against the last version's catalogue
      // and again only when the files now give another one (the incremental chunks are kept per
      // catalogue, so a keystroke is one incremental analysis either way).
      const last = this.ownCatalogues.get(doc.uri);
      const a = this.incremental.analyze(doc.uri, text, last);
      let ext: ReturnType<AnalysisExtension>;
      try {
        ext = this.extension?.(doc.uri, a);
      } catch (e) {
        // what comes from outside the text must not cost the document its analysis
        this.log(`settings of one's own for ${doc.uri} failed: ${(e as Error).stack ?? e}`);
        this.ownCatalogues.delete(doc.uri);
        return last ? this.incremental.analyze(doc.uri, text) : a;
      }
      const own = ext?.catalogue;
      if (own) this.ownCatalogues.set(doc.uri, own);
      else this.ownCatalogues.delete(doc.uri);
      const b = catalogueKey(own) === catalogueKey(last) ? a : this.incremental.analyze(doc.uri, text, own);
      if (!ext) return b;
      if (own) catalogues.set(b, own);
      if (ext.diagnostics.length === 0) return b;
      // own properties only: the lazy tokens and comments stay on the prototype, unlexed
      const out = withLazyTokens({ ...b, diagnostics: [...b.diagnostics, ...ext.diagnostics].sort((x, y) => x.range.startOffset - y.range.startOffset) });
      if (own) catalogues.set(out, own);
      return out;
    } catch (e) {
      this.incremental.forget(doc.uri);
      // A bug in the analysis must cost this document its features, not the server its life.
      this.log(`analysis of ${doc.uri} v${doc.version} failed: ${(e as Error).stack ?? e}`);
      return analyzeText('');
    }
  }

  setIncrementalMinChars(n: number): void {
    this.incremental = new IncrementalAnalyzer(n);
  }

  delete(uri: string): void {
    this.entries.delete(uri);
    this.ownCatalogues.delete(uri);
    this.incremental.forget(uri);
  }
}
