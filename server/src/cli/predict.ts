// `ncp predict`: predicted metrics (mean ± spread) of network codes or NAS-Bench-201 cells.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { readAll, UsageError, writeLine, type Command } from './command';
import { parseCodeInput, readCodeInputs, type CodeInput } from './codes';
import { loadPredictorSet } from '../core/predict/store';
import { NB201_SETTING } from '../core/predict/dataset';
import { cellToOneHot, parseCellString, CellFormatError } from '../core/space/nb201';
import { codeToString } from '../core/space/multires';
import type { Estimate } from '../core/predict/types';
import { parseBackend } from './train';

const help = `Usage: ncp predict [options] [CODE | CELL | FILE.txt | -] ...

Predicted metrics of networks, each as mean ± spread (the spread across the ensemble,
calibrated so that about 68% of true values fall within ±1 spread on held-out data).
A CODE is a NAS-Bench-MR code (the benchmark string or 27 integers, as in 'ncp flops');
a CELL is a NAS-Bench-201 cell string (|op~0|+|op~0|op~1|+|op~0|op~1|op~2|), predicted
by the 'nb201' predictor. With no arguments, inputs are read from standard input, one
per line.

Options:
  --json          one JSON line per input:
                  {"code":[…],"predictions":{"<setting>":{"<metric>":{"mean":x,"std":y}}}}
                  (a cell gives "cell":"…" and "ops":[…] instead of "code")
  --setting S     only setting S (default: every setting of the input's space)
  --model DIR     predictors to use (default: the shipped ones)
  --backend B     auto, wasm, cpu or tensorflow
  -h, --help      this text

Exit status: 0 when every input was predicted, 1 when any was not a network (the
others are still printed) or the models could not be loaded, 2 on a bad option.`;

interface Item {
  input: CodeInput;
  cell?: number[];
}

const COMMENT = /(^|\s)(#|\/\/).*$/;

function cellItem(text: string, where: string): Item {
  try {
    return { input: { input: text, where }, cell: parseCellString(text) };
  } catch (e) {
    const msg = e instanceof CellFormatError ? e.message : (e as Error).message;
    return { input: { input: text, where, error: msg } };
  }
}

async function readItems(args: string[], stdin: NodeJS.ReadableStream, cwd: string): Promise<Item[]> {
  const lines = (text: string, name: string): Item[] =>
    text.split(/\r?\n/).flatMap((raw, i) => {
      const line = raw.trim().startsWith('|') ? raw.trim() : raw.replace(COMMENT, '').trim();
      if (line.length === 0) return [];
      return [line.startsWith('|') ? cellItem(line, `${name}:${i + 1}`) : { input: parseCodeInput(line, `${name}:${i + 1}`) }];
    });
  if (args.length === 0) return lines(await readAll(stdin as never), 'stdin');
  const items: Item[] = [];
  for (let a = 0; a < args.length; a++) {
    const arg = args[a];
    if (arg.trim().startsWith('|')) items.push(cellItem(arg.trim(), `argument ${a + 1}`));
    else if (arg === '-') items.push(...lines(await readAll(stdin as never), 'stdin'));
    else {
      const parsed = await readCodeInputs([arg], { stdin: stdin as never, cwd });
      items.push(...parsed.map((input) => ({ input: input.where === 'argument 1' ? { ...input, where: `argument ${a + 1}` } : input })));
    }
  }
  return items;
}

function fmt(e: Estimate): string {
  return `${e.mean.toFixed(2)} ±${e.std.toFixed(2)}`;
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'predicted accuracy (mean ± spread) of codes or NB201 cells',
  help,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        json: { type: 'boolean' },
        setting: { type: 'string' },
        model: { type: 'string' },
        backend: { type: 'string' },
      },
      allowPositionals: true,
    });
    const backend = parseBackend(values.backend);
    const set = await loadPredictorSet(values.model === undefined ? undefined : resolve(io.cwd, values.model), { backend });
    if (values.setting !== undefined && !set.settings.includes(values.setting)) {
      throw new UsageError(`--setting: no predictor for '${values.setting}' (have ${set.settings.join(', ')})`);
    }
    const mrSettings = set.settings.filter((s) => set.get(s)!.inputDim === 27 && (values.setting === undefined || s === values.setting));
    const cellSettings = set.settings.filter((s) => s === NB201_SETTING && (values.setting === undefined || s === values.setting));
    const items = await readItems(positionals, io.stdin, io.cwd);
    let failed = 0;
    const fail = (it: Item, msg: string) => {
      failed++;
      writeLine(io.stderr, `ncp predict: ${it.input.where}: ${msg}`);
      if (values.json) writeLine(io.stdout, JSON.stringify({ input: it.input.input, error: msg }));
    };
    // batch per space: one predictBatch call per setting
    const codes = items.filter((it) => it.input.code);
    const cells = items.filter((it) => it.cell);
    const results = new Map<Item, Record<string, Record<string, Estimate>>>();
    const run = (list: Item[], settings: string[], toInput: (it: Item) => number[]) => {
      if (list.length === 0) return;
      const inputs = list.map(toInput);
      for (const s of settings) {
        const p = set.get(s)!;
        const est = p.predictBatch(inputs);
        list.forEach((it, i) => {
          const r = results.get(it) ?? {};
          r[s] = Object.fromEntries(p.metrics.map((m, k) => [m, est[i][k]]));
          results.set(it, r);
        });
      }
    };
    run(codes, mrSettings, (it) => it.input.code!);
    run(cells, cellSettings, (it) => Array.from(cellToOneHot(it.cell!)));
    for (const it of items) {
      if (it.input.error !== undefined) {
        fail(it, it.input.error);
        continue;
      }
      const preds = results.get(it);
      if (!preds || Object.keys(preds).length === 0) {
        fail(it, it.cell ? `no NAS-Bench-201 predictor${values.setting ? ` for --setting ${values.setting}` : ''}` : `no multi-resolution predictor${values.setting ? ` for --setting ${values.setting}` : ''}`);
        continue;
      }
      for (const w of it.input.warnings ?? []) writeLine(io.stderr, `ncp predict: ${it.input.where}: ${w.message}`);
      if (values.json) {
        const head = it.cell ? { cell: it.input.input, ops: it.cell } : { code: it.input.code };
        writeLine(io.stdout, JSON.stringify({ ...head, predictions: preds }));
      } else {
        writeLine(io.stdout, it.cell ? it.input.input : codeToString(it.input.code!));
        for (const [s, ms] of Object.entries(preds)) {
          writeLine(io.stdout, `  ${s.padEnd(12)} ${Object.entries(ms).map(([m, e]) => `${m} ${fmt(e)}`).join('   ')}`);
        }
      }
    }
    return failed > 0 ? 1 : 0;
  },
};
