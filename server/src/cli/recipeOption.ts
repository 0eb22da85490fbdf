// `--set key=value,…` for `ncp train` and `ncp eval`: any recipe field over the base recipe, so
// that a variant measured with `ncp eval --holdout` is one command to rerun.
import { UsageError } from './command';
import { choiceOption, intOption, numberOption, type NumberRange } from './options';
import { FEATURE_KINDS } from '../core/predict/features';
import { LIMITS } from '../core/limits';
import type { TrainConfig } from '../core/predict/train';

type Field = { kind: 'int'; min: number; max: number } | ({ kind: 'number' } & NumberRange) | { kind: 'bool' } | { kind: 'choice'; of: readonly string[] } | { kind: 'widths' };

/** Widest trunk or head layer --set accepts (values that drive memory have a limit). */
const MAX_WIDTH = 4096;

// Every number has a sane range, refused before any model folder is touched (`lr=1e308` trains
// nothing: it is a usage error, not an internal error at the first step).
const FIELDS: { [K in Exclude<keyof TrainConfig, 'recipe'>]: Field } = {
  features: { kind: 'choice', of: FEATURE_KINDS },
  members: { kind: 'int', min: 1, max: LIMITS.members },
  epochs: { kind: 'int', min: 1, max: LIMITS.epochs },
  batchSize: { kind: 'int', min: 1, max: 65_536 },
  lr: { kind: 'number', min: 0, exclusiveMin: true, max: 1 },
  trunk: { kind: 'widths' },
  head: { kind: 'int', min: 1, max: MAX_WIDTH },
  batchNorm: { kind: 'bool' },
  dropout: { kind: 'number', min: 0, max: 0.99 },
  splitHeads: { kind: 'bool' },
  costHead: { kind: 'bool' },
  mainWeight: { kind: 'number', min: 0, max: 1000 },
  rankWeight: { kind: 'number', min: 0, max: 1000 },
  valFraction: { kind: 'number', min: 0.01, max: 0.9 },
  select: { kind: 'choice', of: ['mae', 'tau'] },
  calibrate: { kind: 'bool' },
  joint: { kind: 'bool' },
  teacher: { kind: 'int', min: 0, max: 100 },
};

const RECIPE_FIELDS = Object.keys(FIELDS);

function parseField(key: keyof typeof FIELDS, f: Field, v: string): unknown {
  const bad = (what: string) => new UsageError(`--set ${key}: expected ${what}, got '${v}'`);
  switch (f.kind) {
    case 'int':
      return intOption(v, `--set ${key}`, f.min, f.max);
    case 'number':
      return numberOption(v, `--set ${key}`, f);
    case 'bool':
      if (v !== 'true' && v !== 'false') throw bad('true or false');
      return v === 'true';
    case 'choice':
      return choiceOption(v, `--set ${key}`, f.of);
    case 'widths': {
      // layer widths joined by '+', e.g. 128+64; empty: no trunk
      const w = v === '' ? [] : v.split('+');
      if (!w.every((x) => /^\d+$/.test(x) && Number(x) >= 1 && Number(x) <= MAX_WIDTH) || w.length > 16) throw bad(`layer widths joined by '+' (up to 16, each 1–${MAX_WIDTH}; e.g. 128+64)`);
      return w.map(Number);
    }
  }
}

/** Parses `key=value,key=value` (recipe field names as in the manifest's config). */
export function recipeOverrides(text: string | undefined): Partial<TrainConfig> {
  const out: Record<string, unknown> = {};
  if (text === undefined) return out;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new UsageError(`--set: expected key=value, got '${part}'`);
    const key = part.slice(0, eq).trim();
    if (!Object.hasOwn(FIELDS, key)) throw new UsageError(`--set: unknown recipe field '${key}' (known: ${RECIPE_FIELDS.join(', ')})`);
    const k = key as keyof typeof FIELDS;
    out[k] = parseField(k, FIELDS[k], part.slice(eq + 1).trim());
  }
  return out as Partial<TrainConfig>;
}
