// The NAS-Bench-MR multi-resolution space: a network as 27 integers, and lossless conversions
// between that code, a structured network, the benchmark's string and the authors' PyTorch args.

/** The 27-integer network code, in the benchmark's order (see CODE_LAYOUT). */
export type Code = number[];

export const CODE_LENGTH = 27;
export const STAGE_COUNT = 4;

export interface Stage {
  blocks: number;
  /** Residual units per branch; stage k (1-based) has k branches. */
  units: number[];
  /** Channels per branch. */
  channels: number[];
}

export interface MultiResNetwork {
  stem: [number, number];
  stages: [Stage, Stage, Stage, Stage];
  head: number;
}

/** Human names of the 27 code positions, as the benchmark file writes them. */
export const CODE_LAYOUT: readonly string[] = (() => {
  const names = ['stem.c1', 'stem.c2'];
  for (let k = 1; k <= STAGE_COUNT; k++) {
    names.push(`stage${k}.blocks`);
    for (let i = 0; i < k; i++) names.push(`stage${k}.units[${i}]`);
    for (let i = 0; i < k; i++) names.push(`stage${k}.channels[${i}]`);
  }
  names.push('head.channels');
  return names;
})();

export type DimKind = 'channels' | 'blocks' | 'units';

/** What each code position holds: channels (stem, branches, head), block counts or unit counts. */
export const CODE_KINDS: readonly DimKind[] = CODE_LAYOUT.map((n) =>
  n.endsWith('.blocks') ? 'blocks' : n.includes('.units[') ? 'units' : 'channels',
);

/** The benchmark's range: predictions outside it extrapolate. */
export const BENCHMARK_RANGE = {
  blocks: { min: 1, max: 4, step: 1 },
  units: { min: 1, max: 4, step: 1 },
  channels: { min: 8, max: 128, step: 8 },
} as const;

/** Index in the code of stage k's (1-based) block count; its units and channels follow. */
export function stageOffset(k: number): number {
  // stem (2) + for each earlier stage j: 1 + 2j entries
  let o = 2;
  for (let j = 1; j < k; j++) o += 1 + 2 * j;
  return o;
}

export function codeToNetwork(code: readonly number[]): MultiResNetwork {
  if (code.length !== CODE_LENGTH) throw new RangeError(`a network code has ${CODE_LENGTH} numbers, got ${code.length}`);
  const stages = [] as unknown as [Stage, Stage, Stage, Stage];
  for (let k = 1; k <= STAGE_COUNT; k++) {
    const o = stageOffset(k);
    stages.push({ blocks: code[o], units: code.slice(o + 1, o + 1 + k), channels: code.slice(o + 1 + k, o + 1 + 2 * k) });
  }
  return { stem: [code[0], code[1]], stages, head: code[CODE_LENGTH - 1] };
}

/** Flattens a structured network; throws when a stage's branch lists have the wrong length. */
export function networkToCode(net: MultiResNetwork): Code {
  const code: Code = [net.stem[0], net.stem[1]];
  net.stages.forEach((s, idx) => {
    const k = idx + 1;
    if (s.units.length !== k || s.channels.length !== k) {
      throw new RangeError(`stage ${k} needs ${k} branch entries (units ${s.units.length}, channels ${s.channels.length})`);
    }
    code.push(s.blocks, ...s.units, ...s.channels);
  });
  code.push(net.head);
  return code;
}

/** The benchmark's string form: `c1_c2-b1_1_n_c-b2_2_n_n_c_c-…-head`. */
export function codeToString(code: readonly number[]): string {
  const net = codeToNetwork(code);
  const parts = [`${net.stem[0]}_${net.stem[1]}`];
  net.stages.forEach((s, idx) => parts.push([s.blocks, idx + 1, ...s.units, ...s.channels].join('_')));
  parts.push(String(net.head));
  return parts.join('-');
}

export class CodeFormatError extends Error {}

const INT = /^[+-]?\d+$/;

/** Parses the benchmark string; throws CodeFormatError naming the part that is wrong. */
export function parseCodeString(text: string): Code {
  const s = text.trim();
  const parts = s.split('-');
  if (parts.length !== 6) {
    throw new CodeFormatError(`expected 6 parts separated by '-' (stem, 4 stages, head), got ${parts.length} in '${s}'`);
  }
  const num = (t: string, where: string): number => {
    if (!INT.test(t)) throw new CodeFormatError(`${where}: '${t}' is not an integer`);
    return Number(t);
  };
  const stem = parts[0].split('_');
  if (stem.length !== 2) throw new CodeFormatError(`stem: expected 2 channel counts 'c1_c2', got '${parts[0]}'`);
  const code: Code = [num(stem[0], 'stem'), num(stem[1], 'stem')];
  for (let k = 1; k <= STAGE_COUNT; k++) {
    const f = parts[k].split('_');
    if (f.length !== 2 + 2 * k) {
      throw new CodeFormatError(
        `stage ${k}: expected ${2 + 2 * k} numbers 'blocks_${k}_${'n_'.repeat(k)}${'c_'.repeat(k).slice(0, -1)}', got ${f.length} in '${parts[k]}'`,
      );
    }
    const idx = num(f[1], `stage ${k}`);
    if (idx !== k) throw new CodeFormatError(`stage ${k}: the second number is the stage's branch count ${k}, got ${idx}`);
    code.push(num(f[0], `stage ${k} blocks`));
    for (let i = 0; i < 2 * k; i++) code.push(num(f[2 + i], `stage ${k}`));
  }
  code.push(num(parts[5], 'head'));
  return code;
}

/** Parses '[1, 2, …]', '1,2,…' or '1 2 …' into exactly 27 integers. */
export function parseCodeList(text: string): Code {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '');
  const tokens = inner.split(/[\s,]+/).filter((t) => t.length > 0);
  if (tokens.length !== CODE_LENGTH) throw new CodeFormatError(`expected ${CODE_LENGTH} integers, got ${tokens.length}`);
  return tokens.map((t, i) => {
    if (!INT.test(t)) throw new CodeFormatError(`number ${i + 1} (${CODE_LAYOUT[i]}): '${t}' is not an integer`);
    return Number(t);
  });
}

/** A code as the user may type it: the benchmark string or a list of 27 integers. */
export function parseCode(text: string): Code {
  const s = text.trim();
  if (s.length === 0) throw new CodeFormatError('empty code');
  // '_' only occurs in the string form: a typo there ('…-12a') is then reported by that parser
  // ("head: '12a' is not an integer") rather than as a list of the wrong length.
  return s.includes('_') ? parseCodeString(s) : parseCodeList(s);
}

/** The authors' supernet arguments (models/supernet.py: MultiResolutionNet). */
export interface TorchArgs {
  input_channel: [number, number];
  /** One entry per modularized block: [branches, units per branch, channels per branch]. */
  network_setting: [number, number[], number[]][];
  last_channel: number;
}

/** Most blocks codeToTorchArgs expands (one entry each); above, it throws rather than exhaust memory. */
export const MAX_EXPANDED_BLOCKS = 100_000;

export function codeToTorchArgs(code: readonly number[]): TorchArgs {
  const net = codeToNetwork(code);
  const total = net.stages.reduce((a, s) => a + s.blocks, 0);
  if (!(total <= MAX_EXPANDED_BLOCKS)) throw new RangeError(`the network has ${total} blocks; at most ${MAX_EXPANDED_BLOCKS} can be listed one per entry`);
  const network_setting: TorchArgs['network_setting'] = [];
  net.stages.forEach((s, idx) => {
    for (let b = 0; b < s.blocks; b++) network_setting.push([idx + 1, [...s.units], [...s.channels]]);
  });
  return { input_channel: [net.stem[0], net.stem[1]], network_setting, last_channel: net.head };
}

/** Inverse of codeToTorchArgs; throws when the args are not expressible as a code. */
export function torchArgsToCode(args: TorchArgs): Code {
  const stages: Stage[] = [];
  let i = 0;
  for (let k = 1; k <= STAGE_COUNT; k++) {
    const first = args.network_setting[i];
    if (!first || first[0] !== k) throw new CodeFormatError(`network_setting[${i}]: expected a block of stage ${k} (${k} branches)`);
    let blocks = 0;
    while (i < args.network_setting.length && args.network_setting[i][0] === k) {
      const [, units, channels] = args.network_setting[i];
      if (units.join() !== first[1].join() || channels.join() !== first[2].join()) {
        throw new CodeFormatError(`network_setting[${i}]: blocks of stage ${k} differ; a network code repeats one block per stage`);
      }
      blocks++;
      i++;
    }
    stages.push({ blocks, units: [...first[1]], channels: [...first[2]] });
  }
  if (i !== args.network_setting.length) throw new CodeFormatError(`network_setting[${i}]: more than ${STAGE_COUNT} stages`);
  return networkToCode({ stem: [...args.input_channel], stages: stages as MultiResNetwork['stages'], head: args.last_channel });
}

export interface CodeIssue {
  /** 'error': not a network at all; 'range': a valid network outside the benchmark (predictions extrapolate). */
  severity: 'error' | 'range';
  /** Index into the 27-integer code. */
  index: number;
  /** Layout name, e.g. 'stage3.units[1]'. */
  path: string;
  message: string;
}

/** Every problem of a code: structural errors and benchmark-range warnings, one per position. */
export function validateCode(code: readonly number[]): CodeIssue[] {
  if (code.length !== CODE_LENGTH) {
    return [{ severity: 'error', index: -1, path: 'code', message: `a network code has ${CODE_LENGTH} numbers, got ${code.length}` }];
  }
  const issues: CodeIssue[] = [];
  code.forEach((v, index) => {
    const path = CODE_LAYOUT[index];
    const kind = CODE_KINDS[index];
    const what = kind === 'channels' ? 'channel count' : kind === 'blocks' ? 'block count' : 'unit count';
    if (!Number.isFinite(v) || !Number.isInteger(v)) {
      issues.push({ severity: 'error', index, path, message: `${path}: ${what} must be an integer, got ${v}` });
      return;
    }
    if (v <= 0) {
      issues.push({ severity: 'error', index, path, message: `${path}: ${what} must be positive, got ${v}` });
      return;
    }
    const r = BENCHMARK_RANGE[kind];
    if (v < r.min || v > r.max || (v - r.min) % r.step !== 0) {
      const range = r.step === 1 ? `${r.min}–${r.max}` : `${r.min}–${r.max} in steps of ${r.step}`;
      issues.push({
        severity: 'range',
        index,
        path,
        message: `${path}: ${v} is outside the benchmark's range (${range}); predictions extrapolate`,
      });
    }
  });
  return issues;
}

/** Structural check of a structured network (branch counts), then the per-value checks. */
export function validateNetwork(net: MultiResNetwork): CodeIssue[] {
  const issues: CodeIssue[] = [];
  net.stages.forEach((s, idx) => {
    const k = idx + 1;
    for (const [field, list] of [['units', s.units], ['channels', s.channels]] as const) {
      if (list.length !== k) {
        issues.push({
          severity: 'error',
          index: stageOffset(k) + (field === 'units' ? 1 : 1 + k),
          path: `stage${k}.${field}`,
          message: `stage ${k} has ${k} branch${k > 1 ? 'es' : ''}: ${field} needs ${k} entr${k > 1 ? 'ies' : 'y'}, got ${list.length}`,
        });
      }
    }
  });
  if (issues.length > 0) return issues;
  return validateCode(networkToCode(net));
}

/** Nearest valid value of a position inside the benchmark's range (channels to multiples of 8). */
export function snapToRange(kind: DimKind, value: number): number {
  const r = BENCHMARK_RANGE[kind];
  const snapped = r.min + Math.round((value - r.min) / r.step) * r.step;
  return Math.min(r.max, Math.max(r.min, snapped));
}

/** Normalised code in [0, 1] per position over the benchmark's range (the predictors' input). */
export function normalizeCode(code: readonly number[], out = new Float64Array(CODE_LENGTH)): Float64Array {
  for (let i = 0; i < CODE_LENGTH; i++) {
    const r = BENCHMARK_RANGE[CODE_KINDS[i]];
    out[i] = (code[i] - r.min) / (r.max - r.min);
  }
  return out;
}

/** Inverse of normalizeCode, without rounding (a relaxed, real-valued code). */
export function denormalizeCode(x: ArrayLike<number>, out: number[] = new Array(CODE_LENGTH)): number[] {
  for (let i = 0; i < CODE_LENGTH; i++) {
    const r = BENCHMARK_RANGE[CODE_KINDS[i]];
    out[i] = r.min + x[i] * (r.max - r.min);
  }
  return out;
}

/** A uniformly random code inside the benchmark's range; `rand` returns [0, 1). */
export function randomCode(rand: () => number): Code {
  return CODE_KINDS.map((kind) => {
    const r = BENCHMARK_RANGE[kind];
    const steps = (r.max - r.min) / r.step + 1;
    return r.min + Math.floor(rand() * steps) * r.step;
  });
}
