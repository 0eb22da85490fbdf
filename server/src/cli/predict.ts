// `ncp predict`: predicted metrics (mean ± spread) of network codes or NAS-Bench-201 cells.
import { resolve } from 'node:path';
import { dataArgumentError } from './inputFile';
import { CLI_NAME, readAll, UsageError, writeLine, type Command } from './command';
import { parseCodeInput, pushAll, readCodeInputs, type CodeInput } from './codes';
import { loadPredictorSet } from '../core/predict/store';
import { NB201_SETTING } from '../core/predict/dataset';
import { cellToOneHot, cellToString, parseCellString, CellFormatError } from '../core/space/nb201';
import { codeToString } from '../core/space/multires';
import type { Estimate } from '../core/predict/types';
import { parseBackend } from './train';
import { UNREADABLE_FILE_STATUS } from './inputFile';
import { checkData, newSettingsOption } from './dataChecks';
import { trainingNetworks } from './trainingOverlap';
import { DataError, loadDataSources } from '../core/data';
import { csvText, emptyInputMessage, estimate, jsonRecord, outputMode, parseOptions, settingArgument, useModelCatalogue } from './contract';

const help = `Usage: ${CLI_NAME} predict [options] [CODE | CELL | FILE.txt | -] ...

Predicted metrics of networks, each as mean ± spread (the spread across the ensemble,
calibrated so that about 68% of true values fall within ±1 spread on held-out data).
A CODE is a NAS-Bench-MR code (the benchmark string or 27 integers, as in '${CLI_NAME} flops');
a CELL is a NAS-Bench-201 cell string (|op~0|+|op~0|op~1|+|op~0|op~1|op~2|), predicted
by the 'nb201' predictor. With no arguments, inputs are read from standard input, one
per line.

A code outside the benchmark's range (channels 8–128 in steps of 8, blocks and units 1–4)
is predicted by extrapolation: the text output marks it with * and says why, the JSON
line has "extrapolated":true and "warnings":[…].

Options:
  --json          one JSON line per input (estimates rounded to 4 decimals):
                  {"code":[…],"extrapolated":false,"predictions":{"<setting>":{"<metric>":{"mean":x,"std":y}}}}
                  (a cell gives "cell":"…" and "ops":[…] instead of "code");
                  a bad input gives {"input":"…","error":"…"}
  --csv           one row per input, setting and metric:
                  input,setting,metric,mean,std,extrapolated
  --setting S     only setting S, or a task's main setting (--setting segmentation);
                  default: every setting of the input's space
  --model DIR     predictors to use (default: NCP_MODELS_DIR, else the shipped ones)
  --data FILE     also print the measured values of inputs found in FILE (any data
                  '${CLI_NAME} train' reads; repeat to merge): "measured" in --json, a column in --csv
  --new-settings a,b
                  settings of the --data that are new on purpose (else a name close to a
                  known setting or task, e.g. Seg, is refused as a typo)
  --backend B     auto, wasm, cpu or tensorflow
  -h, --help      this text

Exit status: 0 when every input was predicted, 1 when any was not a network (the
others are still printed), standard input was empty, or the models could not be
loaded, 2 on a bad option.`;

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
    else if (arg === '-') pushAll(items, lines(await readAll(stdin as never), 'stdin'));
    else {
      const parsed = await readCodeInputs([arg], { stdin: stdin as never, cwd });
      pushAll(items, parsed.map((input) => ({ input: input.where === 'argument 1' ? { ...input, where: `argument ${a + 1}` } : input, ...(input.cell ? { cell: input.cell } : {}) })));
    }
  }
  return items;
}

/** Measured values of every network and cell of the --data sources: key → setting → metric → value. */
function measuredIndex(paths: string[], cwd: string, declaredNew: ReadonlySet<string>): Map<string, Record<string, Record<string, number>>> {
  let d;
  try {
    d = loadDataSources(paths);
  } catch (e) {
    if (e instanceof DataError) throw dataArgumentError('--data', e, cwd);
    throw e;
  }
  checkData(d, { declaredNew }); // a known setting's metrics are its own, a look-alike name a typo unless declared (dataChecks.ts)
  const metrics = new Map(d.settings.map((s) => [s.name, s.metrics]));
  const out = new Map<string, Record<string, Record<string, number>>>();
  for (const e of d.entries) {
    out.set(`${e.space}:${e.code.join(',')}`, Object.fromEntries(Object.entries(e.results).map(([s, v]) => [s, Object.fromEntries(metrics.get(s)!.map((m, j) => [m, v[j]]))])));
  }
  return out;
}

function fmt(e: Estimate): string {
  return `${e.mean.toFixed(2)} ±${e.std.toFixed(2)}`;
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'predicted accuracy (mean ± spread) of codes or NB201 cells',
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('predict', {
      args,
      options: {
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        setting: { type: 'string' },
        model: { type: 'string' },
        backend: { type: 'string' },
        data: { type: 'string', multiple: true },
        'new-settings': { type: 'string' },
      },
      allowPositionals: true,
    }, io);
    const mode = outputMode(values);
    const backend = parseBackend(values.backend);
    if (positionals.length === 0 && (io.stdin as { isTTY?: boolean }).isTTY) {
      throw new UsageError('no inputs: give codes or cells as arguments, a .txt file, or pipe them on standard input');
    }
    const modelDir = values.model === undefined ? undefined : resolve(io.cwd, values.model);
    const catalogue = useModelCatalogue(modelDir);
    const set = await loadPredictorSet(modelDir, { backend });
    // a task name stands for its main setting, as in .ncp files
    const only = values.setting === undefined ? undefined : settingArgument(values.setting, '--setting', catalogue).name;
    if (only !== undefined && !set.settings.includes(only)) {
      throw new UsageError(`--setting: no predictor for '${only}'${only !== values.setting ? ` (the main setting of ${values.setting})` : ''} in ${set.dir} (have ${set.settings.join(', ')})`);
    }
    const mrSettings = set.settings.filter((s) => set.get(s)!.inputDim === 27 && (only === undefined || s === only));
    const cellSettings = set.settings.filter((s) => s === NB201_SETTING && (only === undefined || s === only));
    const measured = values.data ? measuredIndex(values.data.map((d) => resolve(io.cwd, d)), io.cwd, newSettingsOption(values['new-settings'])) : undefined;
    const items = await readItems(positionals, io.stdin, io.cwd);
    if (items.length === 0) {
      writeLine(io.stderr, positionals.length === 0 ? emptyInputMessage('predict', 'codes or cells') : `${CLI_NAME} predict: no codes or cells in the input`);
      return 1;
    }
    let failed = 0;
    const fail = (it: Item, msg: string) => {
      failed++;
      writeLine(io.stderr, `${CLI_NAME} predict: ${it.input.where}: ${msg}`);
      if (mode === 'json') writeLine(io.stdout, jsonRecord({ input: it.input.input, error: `${it.input.where}: ${msg}` }));
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
    const csvRows: unknown[][] = [];
    for (const it of items) {
      if (it.input.error !== undefined) {
        fail(it, it.input.error);
        continue;
      }
      const preds = results.get(it);
      if (!preds || Object.keys(preds).length === 0) {
        fail(it, it.cell ? `no NAS-Bench-201 predictor${only ? ` for --setting ${only}` : ''}` : `no multi-resolution predictor${only ? ` for --setting ${only}` : ''}`);
        continue;
      }
      const warnings = (it.input.warnings ?? []).map((w) => w.message);
      for (const w of warnings) writeLine(io.stderr, `${CLI_NAME} predict: ${it.input.where}: ${w}`);
      const shown = it.cell ? cellToString(it.cell) : codeToString(it.input.code!);
      const truth = measured?.get(it.cell ? `nb201:${it.cell.join(',')}` : `multires:${it.input.code!.join(',')}`);
      if (mode === 'json') {
        const head = it.cell ? { cell: shown, ops: it.cell } : { code: it.input.code, string: shown };
        const rounded = Object.fromEntries(Object.entries(preds).map(([s, ms]) => [s, Object.fromEntries(Object.entries(ms).map(([m, e]) => [m, estimate(e.mean, e.std)]))]));
        writeLine(io.stdout, jsonRecord({ ...head, extrapolated: warnings.length > 0, ...(warnings.length > 0 ? { warnings } : {}), predictions: rounded, ...(measured ? { measured: truth ?? null } : {}) }));
      } else if (mode === 'csv') {
        for (const [s, ms] of Object.entries(preds)) for (const [m, e] of Object.entries(ms)) csvRows.push([shown, s, m, e.mean, e.std, warnings.length > 0, ...(measured ? [truth?.[s]?.[m] ?? ''] : [])]);
      } else {
        // the flag belongs with the numbers it qualifies, not only on stderr
        writeLine(io.stdout, warnings.length > 0 ? `${shown} *` : shown);
        for (const [s, ms] of Object.entries(preds)) {
          writeLine(io.stdout, `  ${s.padEnd(12)} ${Object.entries(ms).map(([m, e]) => `${m} ${fmt(e)}`).join('   ')}`);
          const t = truth?.[s];
          if (t) writeLine(io.stdout, `  ${''.padEnd(12)} measured: ${Object.entries(t).map(([m, v]) => `${m} ${v.toFixed(2)}`).join('   ')}`);
        }
        if (warnings.length > 0) writeLine(io.stdout, `  * outside the benchmark's range, predictions extrapolate: ${warnings.map((w) => w.replace(/; predictions extrapolate$/, '')).join('; ')}`);
      }
    }
    if (measured) {
      // predictions beside measured values of the predictors' own training networks are no test of them (by the networks: trainingOverlap.ts)
      const training = trainingNetworks(set.dir);
      const keys = items.filter((it) => !it.input.error && (it.cell || it.input.code)).map((it) => (it.cell ? `nb201:${it.cell.join(',')}` : `multires:${it.input.code!.join(',')}`)).filter((k) => measured.has(k));
      const trained = training ? keys.filter((k) => training.has(k)).length : 0;
      if (trained > 0) writeLine(io.stderr, `${CLI_NAME} predict: note: ${trained} of the ${keys.length} measured input(s) are networks these predictors were trained on: a training-set comparison, not a test`);
    }
    if (mode === 'csv') io.stdout.write(csvText(['input', 'setting', 'metric', 'mean', 'std', 'extrapolated', ...(measured ? ['measured'] : [])], csvRows));
    // a file that could not be read: the same status as in every command (inputFile.ts)
    if (items.some((it) => it.input.fileError)) return UNREADABLE_FILE_STATUS;
    return failed > 0 ? 1 : 0;
  },
};
