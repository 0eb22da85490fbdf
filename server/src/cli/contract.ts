// The contract every `ncp` sub-command keeps (docs/cli.md): one name per flag (old names still
// work, with a warning), "did you mean" for unknown options, settings, metrics and tasks, the data
// folder fallback, numbers with units, one JSON Lines shape with rounded estimates, the same empty
// input handling. Commands parse through here so they cannot drift apart.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLI_NAME, UsageError, writeLine, type CliIO } from './command';
import { unreadableFile } from './inputFile';
import { closest, didYouMean } from '../language/suggest';
import { findDataDir } from '../core/benchmark';
import { activeCatalogue, catalogueFromModels, declareSetting, setActiveCatalogue, withKnown, type SettingCatalogue, type SettingInfo } from '../core/settings';
import { parseTerm } from '../core/propagate/objective';
import type { ObjectiveTerm } from '../core/propagate/types';
import type { Dataset } from '../core/data/types';

/** Old flag → its one name now. Accepted with a warning on stderr. */
export const DEPRECATED_FLAGS: Readonly<Record<string, string>> = {
  '--models': '--model',
  '--benchmark': '--data',
};

/** Words other tools use for our flags (too far from ours for the edit distance): suggested when the command has the flag. */
export const OTHER_WORDS: Readonly<Record<string, readonly string[]>> = {
  '--max-flops': ['--flops-max'],
  '--flops': ['--flops-max'],
  '--macs': ['--flops-max'],
  '--max-macs': ['--flops-max'],
  '--max-params': ['--params-max'],
  '--params': ['--params-max'],
  '--budget': ['--flops-max', '--params-max', '--max-time'],
  '--target': ['--to'],
  '--task': ['--to'],
  '--metric': ['--to'],
  '--maximize': ['--to'],
  '--output': ['--out'],
  '--models-dir': ['--model'],
  '--n': ['--count', '--queries'],
};

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?[kKMGT]?$/;

/**
 * node's parseArgs with the shared contract: deprecated names mapped (and warned about), a
 * negative number after a string option taken as its value, unknown options answered with the
 * closest known ones.
 */
export function parseOptions<T extends ParseArgsConfig>(command: string, config: T, io: Pick<CliIO, 'stderr'>): ReturnType<typeof parseArgs<T>> {
  const options = (config.options ?? {}) as Record<string, { type: string; short?: string }>;
  const names = Object.keys(options);
  const given = config.args ?? [];
  const args: string[] = [];
  let rest = false;
  for (let i = 0; i < given.length; i++) {
    let a = given[i];
    if (rest || a === '--') {
      rest = true;
      args.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') ? (eq > 0 ? a.slice(0, eq) : a) : undefined;
    if (flag && DEPRECATED_FLAGS[flag] && !names.includes(flag.slice(2)) && names.includes(DEPRECATED_FLAGS[flag].slice(2))) {
      writeLine(io.stderr, `${CLI_NAME} ${command}: warning: ${flag} is deprecated; use ${DEPRECATED_FLAGS[flag]}`);
      a = DEPRECATED_FLAGS[flag] + (eq > 0 ? a.slice(eq) : '');
    }
    const name = a.startsWith('--') && eq < 0 ? a.slice(2) : undefined;
    const next = given[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && next.startsWith('-') && NUMBER.test(next)) {
      args.push(`${a}=${next}`);
      i++;
      continue;
    }
    args.push(a);
  }
  try {
    return parseArgs({ ...config, args }) as ReturnType<typeof parseArgs<T>>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const bad = /'(-[^'=]+)/.exec(err.message)?.[1] ?? '';
      const flags = [...names.map((n) => `--${n}`), '--help'];
      const meant = (OTHER_WORDS[bad.toLowerCase()] ?? []).filter((f) => flags.includes(f));
      throw new UsageError(`unknown option '${bad}'${didYouMean(meant.length > 0 ? meant : closest(bad, flags, 3))}`);
    }
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const bad = /'([^']+)'/.exec(err.message)?.[1];
      throw new UsageError(`unexpected argument${bad ? ` '${bad}'` : ''}: this command takes options only`);
    }
    throw e;
  }
}

export type DataKind = 'mr' | 'nb201';
const DEFAULT_DATA_FILE: Record<DataKind, string> = { mr: 'nasbench-mr.json', nb201: 'nasbench201.json' };

/**
 * The data file a command reads: --data, else the benchmark file in the data folder
 * (NCP_DATA_DIR, else ../shared/data beside the checkout), said on stderr so it is never a surprise.
 */
export function dataFile(value: string | undefined, kind: DataKind, command: string, io: Pick<CliIO, 'stderr' | 'cwd'>): string {
  if (value !== undefined && value !== '') return resolve(io.cwd, value);
  const dir = findDataDir();
  const file = dir ? join(dir, DEFAULT_DATA_FILE[kind]) : undefined;
  if (!file || !existsSync(file)) {
    throw new UsageError(`--data FILE is required (no ${DEFAULT_DATA_FILE[kind]} found: set NCP_DATA_DIR to the folder holding it)`);
  }
  writeLine(io.stderr, `${CLI_NAME} ${command}: no --data: reading ${file} (${process.env.NCP_DATA_DIR ? 'NCP_DATA_DIR' : 'the data folder'})`);
  return file;
}

/** Uses the model folder's settings (its manifest) for names in this run: settings from the data included. */
export function useModelCatalogue(dir: string | undefined): SettingCatalogue {
  // a --model folder that is not there: said as for any input file (inputFile.ts), not as unknown settings later
  if (dir !== undefined && !existsSync(dir)) throw unreadableFile(dir, 'no such folder');
  const folder = dir ?? (process.env.NCP_MODELS_DIR || undefined);
  setActiveCatalogue(folder ? catalogueFromModels(folder) : undefined);
  return activeCatalogue();
}

/**
 * A setting or task name the user typed, resolved in `catalogue` (a task stands for its main
 * setting); an unknown one is a usage error with the closest names.
 */
export function settingArgument(name: string, flag: string, catalogue: SettingCatalogue = activeCatalogue()): SettingInfo {
  const info = catalogue.resolve(name);
  if (info) return info;
  throw new UsageError(`${flag}: unknown setting or task '${name}'${didYouMean(closest(name, catalogue.names(), 3))}; ${catalogue.describe()}`);
}

/** A metric of `setting`; an unknown one is a usage error with the closest metric names. */
export function metricArgument(setting: SettingInfo, metric: string, flag: string): string {
  if (setting.metrics.includes(metric)) return metric;
  throw new UsageError(`${flag}: setting '${setting.name}' has no metric '${metric}'${didYouMean(closest(metric, setting.metrics, 3))}; its metrics: ${setting.metrics.join(', ')}`);
}

/** A comma-separated list of settings or task names (each resolved as settingArgument does). */
export function settingListArgument(list: string, flag: string, catalogue: SettingCatalogue): string[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`${flag}: expected setting names, got '${list}'`);
  return [...new Set(names.map((n) => settingArgument(n, flag, catalogue).name))];
}

const SCALE: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A number as people read it: 2500, 2.5, 5000000 → 5,000,000; at most 6 significant digits. */
function shown(x: number): string {
  return Number(x.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/**
 * A positive amount that must carry its unit: K, M, G or T (optionally followed by FLOPs, MACs or
 * params), e.g. `2.5G`, `2500M`, `3M`, `500K`; returned in `unit` (G for FLOPs, M for params).
 * A plain number is refused with its two readings spelled out (`--flops-max 2500` meant 2500 M
 * as often as 2500 G) — the same rule as the `.ncp` checker's `missing-unit`, which a CLI run of
 * a block (`ncprop run`, `ncprop propagate FILE.ncp`) treats as an error.
 */
export function quantityOption(v: string | undefined, name: string, unit: 'G' | 'M'): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([kKMGT]?)\s*(?:flops|macs|params)?\s*$/i.exec(v);
  const what = unit === 'G' ? 'multiply-accumulates' : 'parameters';
  if (m && m[2] === '') {
    const x = Number(m[1]);
    if (Number.isFinite(x) && x > 0) throw new UsageError(missingUnitMessage(name, m[1], x, unit));
  }
  const value = !m || m[2] === '' ? NaN : (Number(m[1]) * SCALE[m[2]]) / SCALE[unit];
  if (!m || !Number.isFinite(value) || !(value > 0)) {
    throw new UsageError(`${name}: expected a positive amount in ${unit} ${what}, with its unit (e.g. 2.5${unit}${unit === 'G' ? ' or 2500M' : ' or 500K'}), got '${v}'`);
  }
  return value;
}

/** Why a budget without a unit is refused: what it would be in the flag's unit, and the other likely reading. */
export function missingUnitMessage(name: string, text: string, x: number, unit: 'G' | 'M'): string {
  const what = unit === 'G' ? 'multiply-accumulates' : 'parameters';
  // a number in the hundred thousands or more was most likely a plain count; else a smaller unit
  const [alt, altValue] = x >= 1e5 ? [`${shown(x / SCALE[unit])}${unit}`, x / SCALE[unit]] : [`${text}${unit === 'G' ? 'M' : 'K'}`, x / 1e3];
  const altReading = x >= 1e5 ? `as a plain count it is ${shown(altValue)} ${unit}` : `as ${alt} it is ${shown(altValue)} ${unit}`;
  return `${name}: '${text}' has no unit: as ${text}${unit} it is ${shown(x)} ${unit} ${what}; ${altReading}. Write ${text}${unit} or ${alt}`;
}

/** Estimates (predictions, scores) are rounded to this many decimals in JSON; exact costs are not. */
export const JSON_DECIMALS = 4;

export function round(x: number, decimals = JSON_DECIMALS): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/**
 * Fields that hold exact costs, rounded to the precision they carry: FLOPs are a whole number of
 * multiply-accumulates given in G (9 decimals), params a whole number of parameters in M (6);
 * a budget is in G. Rounding there removes float noise (0.7675922420000001 → 0.767592242), no digit.
 */
export const COST_DECIMALS: Readonly<Record<string, number>> = { flops: 9, params: 6, budget: 9, flopsMax: 9, paramsMax: 6 };

/** An exact cost at the precision it carries (`field`: flops or params). */
export function exactCost(x: number, field: 'flops' | 'params'): number {
  return round(x, COST_DECIMALS[field]);
}

function rounded(v: unknown, decimals: number): unknown {
  if (typeof v === 'number') return round(v, decimals);
  if (Array.isArray(v)) return v.map((x) => rounded(x, decimals));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x, COST_DECIMALS[k] ?? decimals)]));
  return v;
}

/**
 * One JSON Lines record (the shape of every `--json` line): estimates rounded to JSON_DECIMALS,
 * exact costs (fields named in COST_DECIMALS, and everything inside them) at the precision they carry.
 */
export function jsonRecord(value: unknown): string {
  return JSON.stringify(rounded(value, JSON_DECIMALS));
}

/** A mean and its spread, as every command names them. */
export function estimate(mean: number, std: number): { mean: number; std: number } {
  return { mean: round(mean), std: round(std) };
}

/** One CSV field (RFC 4180 quoting when needed). */
function csvField(v: unknown): string {
  const s = typeof v === 'number' ? String(round(v)) : v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text, header first. */
export function csvText(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** `--json` and `--csv` exclude each other. */
export function outputMode(values: { json?: boolean; csv?: boolean }): 'text' | 'json' | 'csv' {
  if (values.json && values.csv) throw new UsageError('give --json or --csv, not both');
  return values.json ? 'json' : values.csv ? 'csv' : 'text';
}

/**
 * What every command that reads inputs says when standard input held none (empty, or only blank
 * and comment lines); the command then exits with status 1.
 */
export function emptyInputMessage(command: string, what = 'input'): string {
  return `${CLI_NAME} ${command}: no ${what} on standard input (give ${what === 'input' ? 'it' : 'them'} as arguments or pipe ${what === 'input' ? 'it' : 'them'} in)`;
}

/**
 * An objective the user typed (`--to seg.mIoU,0.5*video`): each term's setting or task resolved in
 * `catalogue` with did-you-mean for unknown settings and metrics. With `open`, a setting the
 * catalogue lacks is taken as typed when its metric is named (a training script defines it).
 */
export function objectiveArgument(text: string, flag: string, catalogue: SettingCatalogue, open = false): ObjectiveTerm[] {
  const terms = text.split(',');
  for (const raw of terms) {
    const m = /^(?:.*\*\s*)?(\d*[A-Za-z][\w-]*)(?:\.(\w+))?\s*$/.exec(raw.trim());
    if (!m) continue; // parseTerm says what is wrong with it
    if (open && m[2] !== undefined && !catalogue.resolve(m[1])) continue;
    const info = settingArgument(m[1], flag, catalogue);
    if (m[2] !== undefined) metricArgument(info, m[2], flag);
  }
  try {
    return terms.map((t) => parseTerm(t, catalogue));
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

/** The settings of a dataset as catalogue entries (with the known ones), for names typed against that data. */
export function catalogueFromData(d: Dataset): SettingCatalogue {
  return withKnown(d.settings.map((s) => declareSetting(s.name, { task: s.task, label: s.label, metrics: s.metrics, space: s.space })));
}
