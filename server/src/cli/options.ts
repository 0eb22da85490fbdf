// Parsing of numeric command-line options, shared by every command so that a bad value reads
// the same everywhere: the flag, what it expects, and what was given.
import { UsageError } from './command';
import { overLimitMessage } from '../core/limits';

/** Bounds a numeric option must keep (inclusive; `exclusiveMin`: strictly above `min`). */
export interface NumberRange {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
}

/** A finite number within `range`, or undefined when the option is absent. */
export function numberOption(v: string | undefined, name: string, range: NumberRange = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name}: expected a number, got '${v}'`);
  const { min, max, exclusiveMin } = range;
  if ((min !== undefined && (exclusiveMin ? n <= min : n < min)) || (max !== undefined && n > max)) {
    const what =
      min !== undefined && max !== undefined ? (exclusiveMin ? `a number > ${min} and ≤ ${max}` : `a number from ${min} to ${max}`)
      : min !== undefined ? `a number ${exclusiveMin ? '>' : '≥'} ${min}`
      : `a number ≤ ${max}`;
    throw new UsageError(`${name}: expected ${what}, got '${v}'`);
  }
  return n;
}

/** An integer ≥ min (and ≤ max, for numbers that drive time or memory), or undefined when the option is absent. */
export function intOption(v: string | undefined, name: string, min = 1, max?: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(v.trim()) || Number(v) < min) throw new UsageError(`${name}: expected an integer ≥ ${min}, got '${v}'`);
  if (max !== undefined && Number(v) > max) throw new UsageError(`${name}: ${overLimitMessage('the value', max, `'${v}'`)}`);
  return Number(v);
}

/** Like intOption, for options that must be given. */
export function requiredIntOption(v: string | undefined, name: string, min = 1, max?: number): number {
  const n = intOption(v, name, min, max);
  if (n === undefined) throw new UsageError(`${name} is required`);
  return n;
}

/** A fraction strictly between 0 and 1, or undefined when absent. */
export function fractionOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!(x > 0 && x < 1)) throw new UsageError(`${name}: expected a fraction between 0 and 1, got '${v}'`);
  return x;
}

/** One of a fixed list of words, or undefined when absent. */
export function choiceOption<T extends string>(v: string | undefined, name: string, choices: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) {
    const list = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : choices.join('');
    throw new UsageError(`${name}: expected ${list}, got '${v}'`);
  }
  return v as T;
}

