// `ncp flops`: exact FLOPs and params of network codes, as a table or one JSON line per code.
import { CLI_NAME, UsageError, type Command } from './command';
import { csvText, emptyInputMessage, exactCost, outputMode, parseOptions } from './contract';
import { CELL_NOT_A_NETWORK, readCodeInputs, type CodeInput } from './codes';
import { UNREADABLE_FILE_STATUS } from './inputFile';
import { cost, costBreakdown, type Cost, type CostOptions } from '../core/cost';
import { codeToString } from '../core/space/multires';
import { targetOption } from './targetOption';

const help = `Usage: ${CLI_NAME} flops [options] [CODE | FILE.txt | -] ...

Exact FLOPs and parameters of multi-resolution networks (NAS-Bench-MR codes), computed
from the authors' supernet without building it. FLOPs are multiply-accumulates (G) of
every convolution, +1 per output element of a biased conv, +2 per batch-norm element;
params are in M. The defaults reproduce the benchmark's own numbers (3×128×128 input,
classification head with 50 classes).

A CODE is the benchmark string (stem-stage1-…-stage4-head, e.g.
  32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128)
or 27 integers separated by commas and/or spaces, brackets allowed (quote it).
With no CODE, codes are read from standard input, one per line; a FILE.txt argument
reads that file the same way ('-' reads standard input). Blank lines and lines
starting with # or // are skipped.

Options:
  --json            one JSON line per input: {"code":[…],"flops":G,"params":M};
                    a bad input gives {"input":"…","error":"…"} instead
  --csv             the table as CSV: code,flops,params,outsideRange (with --breakdown,
                    one row per part: code,part,flops,params,outsideRange)
  --breakdown       split the cost into stem, stage1..4 and head
  --input HxW       input height×width (default 128x128; e.g. 512x1024; one number: square)
  --head cls|seg    cls: pooled classifier at the lowest resolution (default);
                    seg: per-pixel classifier at the highest resolution
  --classes N       output classes (default 50 for cls, 19 for seg)
  -h, --help        this text

Exit status: 0 when every code was read, 1 when any input was not a network (the
others are still printed) or there were no codes (e.g. an empty standard input),
2 on a bad option. Codes outside the benchmark's range
(channels 8–128 in steps of 8, blocks and units 1–4) are exact too; the table marks
them with * and explains on stderr.

Examples:
  ${CLI_NAME} flops 32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128
  ${CLI_NAME} flops --breakdown "[32, 32, 1, 2, 32, 2, 2, 2, 32, 64, 3, 2, 2, 2, 32, 64, 96, 1, 2, 2, 2, 2, 32, 64, 96, 128, 128]"
  ${CLI_NAME} flops --input 512x1024 --head seg codes.txt
  cat codes.txt | ${CLI_NAME} flops --json > cost.jsonl`;

function describe(opts: CostOptions): string {
  const [h, w] = opts.input ?? [128, 128];
  const head = opts.head ?? 'cls';
  const classes = opts.classes ?? (head === 'seg' ? 19 : 50);
  const kind = head === 'seg' ? 'segmentation head' : 'classification head';
  return `FLOPs (G multiply-accumulates) and params (M) for a 3×${h}×${w} input, ${kind} with ${classes} classes`;
}

const fmt = (v: number): string => v.toFixed(4);

function table(rows: string[][], right: boolean[]): string {
  const widths = rows[0].map((_, c) => rows.reduce((m, r) => Math.max(m, r[c].length), 0));
  return rows.map((r) => r.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

function jsonCost(c: Cost): string {
  return `{"flops":${exactCost(c.flops, 'flops')},"params":${exactCost(c.params, 'params')}}`;
}

export const flopsCommand: Command = {
  name: 'flops',
  summary: 'exact FLOPs and params of network codes',
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('flops', {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        csv: { type: 'boolean', default: false },
        breakdown: { type: 'boolean', default: false },
        input: { type: 'string' },
        head: { type: 'string' },
        classes: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }, io);
    const mode = outputMode(values);
    const opts: CostOptions = targetOption(values);
    if (positionals.length === 0 && (io.stdin as { isTTY?: boolean }).isTTY) {
      throw new UsageError('no codes: give codes as arguments, a .txt file, or pipe them on standard input');
    }

    const inputs = await readCodeInputs(positionals, io);
    for (const x of inputs) if (x.cell !== undefined && x.error === undefined) x.error = `'${x.input}' is ${CELL_NOT_A_NETWORK}`;
    const bad = inputs.filter((i) => i.error !== undefined).length;
    if (mode === 'json') io.stdout.write(jsonLines(inputs, opts, values.breakdown === true));
    else if (mode === 'csv') {
      io.stdout.write(csvTable(inputs, opts, values.breakdown === true));
      const notes = messages(inputs);
      if (notes.length > 0) io.stderr.write(notes);
    } else {
      const out = values.breakdown ? breakdownTables(inputs, opts) : summaryTable(inputs, opts);
      if (out.length > 0) io.stdout.write(out);
      const notes = messages(inputs);
      if (notes.length > 0) io.stderr.write(notes);
    }
    if (inputs.length === 0) {
      io.stderr.write((positionals.length === 0 ? emptyInputMessage('flops', 'codes') : `${CLI_NAME} flops: no codes in the input`) + '\n');
      return 1;
    }
    // a file that could not be read: the same status as in every command (inputFile.ts)
    if (inputs.some((x) => x.fileError)) return UNREADABLE_FILE_STATUS;
    return bad > 0 ? 1 : 0;
  },
};

/** One row per valid code (cost exact, not rounded); with --breakdown, per part too. */
function csvTable(inputs: CodeInput[], opts: CostOptions, breakdown: boolean): string {
  const ok = inputs.filter((x) => x.code !== undefined);
  const exactFlops = (v: number) => String(exactCost(v, 'flops'));
  const exactParams = (v: number) => String(exactCost(v, 'params'));
  if (!breakdown) {
    return csvText(['code', 'flops', 'params', 'outsideRange'], ok.map((x) => {
      const c = cost(x.code!, opts);
      return [codeToString(x.code!), exactFlops(c.flops), exactParams(c.params), x.warnings !== undefined];
    }));
  }
  const rows: unknown[][] = [];
  for (const x of ok) {
    const b = costBreakdown(x.code!, opts);
    const parts: [string, Cost][] = [['stem', b.stem], ...b.stages.map((s, i): [string, Cost] => [`stage${i + 1}`, s]), ['head', b.head], ['total', b.total]];
    for (const [part, c] of parts) rows.push([codeToString(x.code!), part, exactFlops(c.flops), exactParams(c.params), x.warnings !== undefined]);
  }
  return csvText(['code', 'part', 'flops', 'params', 'outsideRange'], rows);
}

function jsonLines(inputs: CodeInput[], opts: CostOptions, breakdown: boolean): string {
  const lines: string[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    if (x.code === undefined) {
      lines[i] = JSON.stringify({ input: x.input, error: `${x.where}: ${x.error ?? 'not a code'}` });
      continue;
    }
    if (breakdown) {
      const b = costBreakdown(x.code, opts);
      lines[i] =
        `{"code":[${x.code.join(',')}],"string":"${codeToString(x.code)}",${jsonCost(b.total).slice(1, -1)},` +
        `"breakdown":{"stem":${jsonCost(b.stem)},"stages":[${b.stages.map(jsonCost).join(',')}],"head":${jsonCost(b.head)}}}`;
    } else {
      const c = cost(x.code, opts);
      lines[i] = `{"code":[${x.code.join(',')}],"string":"${codeToString(x.code)}",${jsonCost(c).slice(1, -1)}}`;
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

const mark = (x: CodeInput): string => (x.warnings ? ' *' : '');

function summaryTable(inputs: CodeInput[], opts: CostOptions): string {
  const ok = inputs.filter((x) => x.code !== undefined);
  if (ok.length === 0) return '';
  const rows = [['code', 'GFLOPs', 'M params']];
  for (const x of ok) {
    const c = cost(x.code!, opts);
    rows.push([codeToString(x.code!) + mark(x), fmt(c.flops), fmt(c.params)]);
  }
  return `${describe(opts)}\n\n${table(rows, [false, true, true])}\n`;
}

function breakdownTables(inputs: CodeInput[], opts: CostOptions): string {
  const ok = inputs.filter((x) => x.code !== undefined);
  if (ok.length === 0) return '';
  const parts: string[] = [describe(opts)];
  for (const x of ok) {
    const b = costBreakdown(x.code!, opts);
    const pct = (v: number, t: number): string => (t > 0 ? `${((100 * v) / t).toFixed(1)}%` : '');
    const row = (name: string, c: Cost): string[] => [
      `  ${name}`,
      fmt(c.flops),
      pct(c.flops, b.total.flops),
      fmt(c.params),
      pct(c.params, b.total.params),
    ];
    const rows = [
      [codeToString(x.code!) + mark(x), 'GFLOPs', '', 'M params', ''],
      row('stem', b.stem),
      ...b.stages.map((s, i) => row(`stage${i + 1}`, s)),
      row('head', b.head),
      row('total', b.total),
    ];
    parts.push(table(rows, [false, true, true, true, true]));
  }
  return parts.join('\n\n') + '\n';
}

/** Errors and range notes for stderr, each naming where the input came from. */
function messages(inputs: CodeInput[]): string {
  const lines: string[] = [];
  let ranged = 0;
  for (const x of inputs) {
    if (x.error !== undefined) lines.push(`${CLI_NAME} flops: ${x.where}: ${x.error}`);
    else if (x.warnings) ranged++;
  }
  if (ranged > 0) {
    lines.push(`* outside the benchmark's range (the cost is exact; accuracy predictions would extrapolate):`);
    for (const x of inputs) {
      if (x.warnings) lines.push(`  ${x.where}: ${x.warnings.map((w) => w.message.replace(/; predictions extrapolate$/, '')).join('; ')}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
