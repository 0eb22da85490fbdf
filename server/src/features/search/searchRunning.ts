// Networks a search block's "Run search" is measuring now (attempt and start time), by
// measurements file: what the hover on a network being measured says.
import { codeSpan } from '../documents/util';

interface Running {
  search: string;
  attempt: number;
  startedMs: number;
}

const byFile = new Map<string, Map<string, Running>>();

export function attemptStarted(file: string, search: string, space: string, point: readonly number[], attempt: number, now = Date.now()): void {
  let m = byFile.get(file);
  if (!m) byFile.set(file, (m = new Map()));
  m.set(`${space}:${point.join(',')}`, { search, attempt, startedMs: now });
}

export function attemptEnded(file: string, space: string, point: readonly number[]): void {
  byFile.get(file)?.delete(`${space}:${point.join(',')}`);
}

export function runEnded(file: string): void {
  byFile.delete(file);
}

/** "Measuring: attempt k, running for N s (search s)", or undefined when that network is not running. */
export function measuringLine(file: string, space: string, point: readonly number[], now = Date.now()): string | undefined {
  const r = byFile.get(file)?.get(`${space}:${point.join(',')}`);
  if (!r) return undefined;
  return `**Measuring** (search ${codeSpan(r.search)}): attempt ${r.attempt}, running for ${Math.max(0, Math.round((now - r.startedMs) / 1000))} s`;
}
