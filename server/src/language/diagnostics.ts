// The diagnostic shape analysis produces: LSP-compatible fields plus a stable `code` that
// quick fixes and tests key on, and optional data a quick fix needs (suggestions, positions).
import type { Range } from './ast';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface NcpDiagnostic {
  range: Range;
  severity: Severity;
  message: string;
  /**
   * Stable identifier of the kind of problem. Syntax: 'parse-error', 'lex-error',
   * 'unterminated-string', 'unterminated-comment'. Networks: 'branch-count', 'stem-count',
   * 'head-count', 'code-length', 'bad-code-string', 'bad-stage', 'missing-field',
   * 'missing-clause', 'duplicate-clause', 'not-integer', 'not-positive', 'out-of-range'.
   * Cells: 'bad-cell'. Names: 'duplicate-name', 'undefined-name', 'missing-name'.
   * Propagations: 'start-invalid' (the start has errors), 'unknown-setting', 'unknown-metric', 'space-mismatch', 'missing-objective',
   * 'duplicate-objective', 'zero-weight', 'bad-unit', 'missing-unit', 'bad-value', 'duplicate-option',
   * 'unknown-strategy', 'impossible-budget', 'budget-not-supported'.
   */
  code: string;
  /**
   * Per code: out-of-range / not-positive / not-integer → { index, path, kind, value, suggestion }
   * (index and path absent for a number that maps to no code position, e.g. an extra branch entry);
   * branch-count → { stage, field, expected, actual }; code-length → { expected, actual };
   * unknown-setting / unknown-metric / undefined-name / unknown-strategy / bad-cell → { suggestions: string[] };
   * missing-unit → { unit }; duplicate-name → { first: Range }; impossible-budget → { minimum, unit }.
   */
  data?: Record<string, unknown>;
}
