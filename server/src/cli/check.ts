// `ncp check`: the editor's diagnostics for `.ncp` files, on the command line (for CI).
import { resolve } from 'node:path';
import { CLI_NAME, UsageError, writeLine, type Command } from './command';
import { readSourceFile } from './sourceFile';
import { analyzeText, type NcpDiagnostic } from '../language/analyze';
import { emptyInputMessage, jsonRecord, parseOptions, useModelCatalogue } from './contract';

const help = `Usage: ${CLI_NAME} check [--json] [--model DIR] FILE.ncp ...

Parses and analyses .ncp files and prints every problem the editor would show:
syntax errors, malformed networks and cells, values outside the benchmark's range
(predictions extrapolate), unknown settings or metrics, undefined or duplicate names,
budgets no network can meet. '-' reads standard input.

Output, one line per problem (1-based line and column), then a summary on stderr:
  FILE:LINE:COL: SEVERITY: MESSAGE [CODE]
SEVERITY is error, warning, information or hint; CODE names the kind of problem.

Options:
  --json       JSON Lines instead, one object per problem:
               {"file","line","column","endLine","endColumn","severity","code","message"}
               (line/column 1-based; end exclusive). An unreadable file gives a
               {"file","error"} line.
  --model DIR  check setting and metric names against this predictor folder's settings
               (default: NCP_MODELS_DIR, else the shipped ones)
  -h, --help   this text

Exit status: 0 when no file has errors (warnings allowed), 1 when any has an error or
standard input was empty, 2 when a file cannot be read or the command line is wrong.`;

interface JsonProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: NcpDiagnostic['severity'];
  code: string;
  message: string;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'report problems in .ncp files (errors, range warnings)',
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('check', {
      args,
      options: { json: { type: 'boolean', default: false }, model: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }, io);
    useModelCatalogue(values.model === undefined ? undefined : resolve(io.cwd, values.model));
    if (positionals.length === 0) throw new UsageError('give at least one .ncp file (or - for standard input)');
    const json = values.json ?? false;
    const emit = (o: JsonProblem | { file: string; error: string }) => writeLine(io.stdout, jsonRecord(o));
    let empty = 0;
    let unreadable = 0;
    let errors = 0;
    let warnings = 0;
    let others = 0;
    for (const file of positionals) {
      const read = await readSourceFile(file, io);
      if ('why' in read) {
        unreadable++;
        if (json) emit({ file, error: `cannot read: ${read.why}` });
        else writeLine(io.stderr, `${CLI_NAME} check: cannot read '${file}': ${read.why}`);
        continue;
      }
      const text = read.text;
      const shown = file === '-' ? '<stdin>' : file;
      if (file === '-' && text.length === 0) {
        empty++;
        writeLine(io.stderr, emptyInputMessage('check'));
        continue;
      }
      for (const d of analyzeText(text).diagnostics) {
        if (d.severity === 'error') errors++;
        else if (d.severity === 'warning') warnings++;
        else others++;
        const p: JsonProblem = {
          file: shown,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          endLine: d.range.end.line + 1,
          endColumn: d.range.end.character + 1,
          severity: d.severity,
          code: d.code,
          message: d.message,
        };
        if (json) emit(p);
        else writeLine(io.stdout, `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message} [${p.code}]`);
      }
    }
    if (!json) {
      const n = positionals.length - unreadable;
      const parts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`];
      if (others > 0) parts.push(`${others} note${others === 1 ? '' : 's'}`);
      writeLine(io.stderr, `${parts.join(', ')} in ${n} file${n === 1 ? '' : 's'}${unreadable > 0 ? ` (${unreadable} unreadable)` : ''}`);
    }
    return unreadable > 0 ? 2 : errors > 0 || empty > 0 ? 1 : 0;
  },
};
