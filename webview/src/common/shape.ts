// Field-by-field checks of JSON from the other side of a webview boundary: each names the path of
// the first thing that is wrong (e.g. `data.points[12].flops is not a finite number`).
export class ShapeError extends Error {}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export type Obj = Record<string, unknown>;

export function obj(v: unknown, at: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(`${at} is not an object`);
  return v as Obj;
}
export function num(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShapeError(`${at} is not a finite number`);
  return v;
}
export function int(v: unknown, at: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = num(v, at);
  if (!Number.isInteger(n) || n < min || n > max) throw new ShapeError(`${at} is not an integer in ${min}…${max}`);
  return n;
}
export function str(v: unknown, at: string, max = 10_000): string {
  if (typeof v !== 'string') throw new ShapeError(`${at} is not a string`);
  if (v.length > max) throw new ShapeError(`${at} is longer than ${max} characters`);
  return v;
}
export function arr(v: unknown, at: string, max: number): unknown[] {
  if (!Array.isArray(v)) throw new ShapeError(`${at} is not a list`);
  if (v.length > max) throw new ShapeError(`${at} has ${v.length} entries (at most ${max})`);
  return v;
}
export function nums(v: unknown, at: string, max: number): number[] {
  return arr(v, at, max).map((x, i) => num(x, `${at}[${i}]`));
}
export function oneOf<T extends string>(v: unknown, options: readonly T[], at: string): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    throw new ShapeError(`${at} must be one of ${options.map((o) => `'${o}'`).join(', ')}`);
  }
  return v as T;
}
/** Exactly these keys (some optional): a message with extra fields is not ours. */
export function keys(o: Obj, required: string[], optional: string[], at: string): void {
  for (const k of required) if (!(k in o)) throw new ShapeError(`${at}.${k} is missing`);
  for (const k of Object.keys(o)) if (!required.includes(k) && !optional.includes(k)) throw new ShapeError(`${at} has an unexpected field '${k.slice(0, 40)}'`);
}

export function checked<T>(fn: () => T): Checked<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: e.message };
    throw e;
  }
}
