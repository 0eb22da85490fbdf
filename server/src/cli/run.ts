// `ncprop run FILE.ncp [BLOCK] [--write]`: runs a file's propagate or search block as the editor's
// code lens does — the same request (features/propagationRequest.ts, features/searchBlock.ts), the
// same engine step (core/propagate, core/search/suggest.ts) and the same text for the result
// (core/propagate/format.ts, features/searchSuggest.ts) — and prints that text, or with --write
// inserts it into the file under its source exactly where the editor would: one blank line after
// the source declaration (the block itself for a search), no other line touched. The file is
// written atomically (a temporary file beside it, then rename) and only if it did not change
// while the blocks ran; an interrupted run leaves it as it was.
import { realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI_NAME, UsageError, writeLine, type Command } from './command';
import { estimate, jsonRecord, parseOptions, useModelCatalogue } from './contract';
import { BUDGET_OPTIONS, budgetHelp, budgetLimits, startBudget } from './budgetOption';
import { readNcpDocument, unitProblem } from './ncpDocument';
import { propagationRecord, runOne } from './propagate';
import { readSourceFile } from './sourceFile';
import { DEFAULT_MAX_SECONDS, BudgetExceeded } from '../core/run/budget';
import { PropagationError } from '../core/propagate';
import { resultBlock } from '../core/propagate/format';
import { suggestNext } from '../core/search/suggest';
import { loadPredictorSet } from '../core/predict';
import type { PredictorSet } from '../core/predict/types';
import { codeToString } from '../core/space/multires';
import { cellToString } from '../core/space/nb201';
import { analyzeText, type DocumentAnalysis } from '../language/analyze';
import type { PropagateDecl, SearchDecl } from '../language/ast';
import { closest, didYouMean } from '../language/suggest';
import { BUILTIN_DEFAULTS, freshName, isProblem, languagePrinter, requestFor, resultTask } from '../features/propagation/propagationRequest';
import { MeasurementsReadError, loadMeasurements, searchSpec, suggestOptionsOf } from '../features/search/searchBlock';
import { blocksText } from '../features/search/searchSuggest';

const help = `Usage: ${CLI_NAME} run FILE.ncp [BLOCK] [--write] [--json] [--model DIR] [budget options]

Runs the propagate or search blocks of FILE.ncp (or only BLOCK) as the editor's code lens
does, and prints what the editor would insert:
  propagate P from N { … }   the propagated network (or cell), named N_<task>, with a comment
                             giving the predicted change and the exact cost change
  search S { … }             the next networks to measure ("Suggest next networks"), named
                             S_next, S_next_2, …, from the block's measurements file
With --write, that text is inserted into FILE.ncp under its source (the propagate block's
network, the search block itself), separated by one blank line, exactly as the editor does;
no other line changes. The file is replaced atomically, and only if it did not change while
the blocks ran.

A budget without a unit ('flops <= 2.5') stops its block: write 'flops <= 2.5 G' (the
editor's quick fix does it). Unset options take the defaults the editor starts with
(lambda ${BUILTIN_DEFAULTS.lambda}, strategy ${BUILTIN_DEFAULTS.strategy}, steps ${BUILTIN_DEFAULTS.steps}).

Options:
  --write                  insert the results into FILE.ncp (default: print them)
  --json                   one JSON line per block (docs/cli-schemas/run.schema.json)
  --model DIR              predictor folder (default: NCP_MODELS_DIR, else the shipped ones)
${budgetHelp(DEFAULT_MAX_SECONDS)}
                           (each block; over either, that block stops with an error)
  -h, --help               this text

Exit status: 0 when every block ran, 1 when any could not (the others still run and are
written), 2 on a bad option or a file that cannot be read.

Examples:
  ${CLI_NAME} run examples/propagate-to-seg.ncp
  ${CLI_NAME} run examples/propagate-to-seg.ncp to_segmentation --write`;

/** One block's result: the text to insert after `anchor` (a declaration name), and its JSON record. */
interface BlockResult {
  anchor: string;
  text: (current: DocumentAnalysis) => { text: string; names: string[] };
  record: (names: string[]) => Record<string, unknown>;
}

/** Inserts `text` one blank line after the declaration named `anchor` in `source` (the editor's edit), or undefined when it is gone. */
export function insertAfter(source: string, analysis: DocumentAnalysis, anchor: string, text: string): string | undefined {
  const d = analysis.ast.declarations.find((x) => (x.kind === 'network' || x.kind === 'cell' || x.kind === 'search') && x.name === anchor);
  if (!d) return undefined;
  return `${source.slice(0, d.range.endOffset)}\n\n${text}${source.slice(d.range.endOffset)}`;
}

/** Replaces `path`'s content atomically: a temporary file in the same folder, renamed over it (a symlink's target is replaced). */
export function writeAtomically(path: string, text: string): void {
  let target = path;
  try {
    target = realpathSync(path);
  } catch {
    // a new file: written where it is named
  }
  const mode = (() => {
    try {
      return statSync(target).mode & 0o7777;
    } catch {
      return 0o644;
    }
  })();
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, text, { mode, flag: 'wx' });
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: "run a .ncp file's propagate or search block as the editor does (--write inserts the result)",
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('run', {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        write: { type: 'boolean' },
        json: { type: 'boolean' },
        model: { type: 'string' },
        ...BUDGET_OPTIONS,
      },
    }, io);
    if (positionals.length === 0) throw new UsageError('give FILE.ncp (and optionally the name of one propagate or search block)');
    if (positionals.length > 2) throw new UsageError(`expected FILE.ncp [BLOCK], got ${positionals.length} arguments`);
    const [file, only] = positionals;
    if (file === '-' && values.write) throw new UsageError('--write needs a file, not standard input');
    const modelDir = values.model === undefined ? undefined : resolve(io.cwd, values.model);
    useModelCatalogue(modelDir);
    const limits = budgetLimits(values, DEFAULT_MAX_SECONDS);
    const json = values.json === true;
    const path = resolve(io.cwd, file);
    const uri = file === '-' ? 'untitled:stdin' : pathToFileURL(path).href;
    const { text: original, analysis } = await readNcpDocument(file, io);

    const blocks = analysis.ast.declarations.filter((d): d is PropagateDecl | SearchDecl => (d.kind === 'propagate' || d.kind === 'search') && d.name !== '');
    const chosen = only === undefined ? blocks : blocks.filter((d) => d.name === only);
    if (chosen.length === 0) {
      const names = blocks.map((b) => b.name);
      throw new UsageError(
        only === undefined
          ? `${file} has no propagate or search block`
          : `${file} has no propagate or search block '${only}'${didYouMean(closest(only, names, 3))}${names.length > 0 ? ` (blocks: ${names.join(', ')})` : ''}`,
      );
    }

    let status = 0;
    let predictors: PredictorSet | undefined;
    let current = original;
    let currentAnalysis = analysis;
    let inserted = 0;
    const where = (line: number, column: number) => `${file}:${line}:${column}`;
    for (const decl of chosen) {
      const label = `${decl.kind} ${decl.name}`;
      const unit = unitProblem(analysis, decl);
      if (unit) {
        writeLine(io.stderr, `${where(unit.line, unit.column)}: ${label}: ${unit.message}`);
        status = 1;
        continue;
      }
      let result: BlockResult;
      try {
        if (decl.kind === 'propagate') {
          const req = requestFor(analysis.ast, analysis.diagnostics, decl);
          if (isProblem(req)) {
            writeLine(io.stderr, `${where(req.range.start.line + 1, req.range.start.character + 1)}: ${req.message}`);
            status = 1;
            continue;
          }
          predictors ??= await loadPredictorSet(modelDir);
          const r = await runOne(io, req.options, predictors, label, limits, req.cost);
          result = {
            anchor: req.source,
            text: (now) => {
              const name = freshName(now.ast, `${req.source}_${resultTask(req.options.objective)}`);
              return { text: resultBlock(r, name, req.source, languagePrinter), names: [name] };
            },
            record: (names) => propagationRecord(r, { block: decl.name, kind: 'propagate', source: req.source, inserted: names[0] }),
          };
        } else {
          const spec = searchSpec(analysis, uri, decl.name, BUILTIN_DEFAULTS.lambda);
          if ('problem' in spec) {
            writeLine(io.stderr, `${where(decl.range.start.line + 1, decl.range.start.character + 1)}: ${spec.problem}`);
            status = 1;
            continue;
          }
          const measurements = spec.path ? loadMeasurements(spec.path) : [];
          const other = measurements.find((m) => m.space !== spec.space);
          if (other) throw new MeasurementsReadError(`${spec.decl.measurements}: holds ${other.space} measurements, search '${decl.name}' maximizes a ${spec.space} objective`);
          const budget = startBudget(limits);
          writeLine(io.stderr, `${label}: fitting on ${measurements.length} measurement(s), proposing ${spec.batch}…`);
          const s = await suggestNext({
            ...suggestOptionsOf(spec, measurements),
            onTick: () => {
              budget.check();
              if (budget.progressDue()) writeLine(io.stderr, `${label}: proposing… (${Math.round(budget.elapsedSeconds())} s)`);
            },
          });
          if (s.suggestions.length === 0) {
            writeLine(io.stderr, `${where(decl.range.start.line + 1, decl.range.start.character + 1)}: ${label}: no unmeasured network within the budget was found`);
            status = 1;
            continue;
          }
          const measuredIn = spec.decl.measurements ?? 'no measurements file';
          result = {
            anchor: decl.name,
            text: (now) => blocksText(now.ast, spec, s, measuredIn),
            record: (names) => ({
              block: decl.name,
              kind: 'search',
              random: s.random,
              used: s.used,
              suggestions: s.suggestions.map((x, i) => ({
                name: names[i],
                ...(spec.space === 'multires' ? { code: x.point, string: codeToString(x.point) } : { cell: cellToString(x.point), ops: x.point }),
                predicted: x.predicted === undefined ? null : estimate(x.predicted, x.spread ?? 0),
                expectedGain: x.expectedGain ?? null,
              })),
            }),
          };
        }
      } catch (e) {
        if (e instanceof PropagationError || e instanceof BudgetExceeded || e instanceof MeasurementsReadError) {
          writeLine(io.stderr, `${where(decl.range.start.line + 1, decl.range.start.character + 1)}: ${label}: ${e.message}`);
          status = 1;
          continue;
        }
        throw e;
      }
      const { text, names } = result.text(currentAnalysis);
      if (json) writeLine(io.stdout, jsonRecord(result.record(names)));
      else {
        writeLine(io.stdout, text);
        writeLine(io.stdout);
      }
      if (values.write) {
        const next = insertAfter(current, currentAnalysis, result.anchor, text);
        if (next === undefined) {
          writeLine(io.stderr, `${CLI_NAME} run: ${label}: '${result.anchor}' is not in ${file}: nothing inserted`);
          status = 1;
          continue;
        }
        current = next;
        currentAnalysis = analyzeText(current, { fastPath: false });
        inserted += names.length;
      }
    }
    if (values.write && inserted > 0) {
      // only over the text the blocks were read from: an edit made meanwhile is never overwritten
      const now = await readSourceFile(file, io);
      if ('why' in now || now.text !== original) {
        writeLine(io.stderr, `${CLI_NAME} run: ${file} changed while the blocks ran: nothing written (run again)`);
        return 1;
      }
      writeAtomically(path, current);
      writeLine(io.stderr, `${CLI_NAME} run: wrote ${inserted} declaration(s) into ${file}`);
    }
    return status;
  },
};
