// Diagnostics: the analysis's problems as LSP diagnostics (the analysis already carries ranges,
// severity, a stable code and the data quick fixes need).
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { DocumentAnalysis } from '../../language/analyze';
import type { Severity } from '../../language/diagnostics';
import { lspRange } from '../documents/util';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Cached per analysis object: the analysis is immutable, so its diagnostics convert once. */
const converted = new WeakMap<DocumentAnalysis, Diagnostic[]>();

/** At most this many diagnostics per document: a pasted megabyte of garbage must not flood the editor. */
export const MAX_DIAGNOSTICS = 1000;

export function toLspDiagnostics(analysis: DocumentAnalysis): Diagnostic[] {
  let out = converted.get(analysis);
  if (out) return out;
  out = analysis.diagnostics.slice(0, MAX_DIAGNOSTICS).map((d) => ({
    range: lspRange(d.range),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: 'ncp',
    message: d.message,
    data: d.data,
  }));
  converted.set(analysis, out);
  return out;
}
