// An event-queue simulator of asynchronous measurement (as Syne Tune's simulator backend): N
// workers, each measurement taking a simulated duration; when one ends, the scheduler is told and
// asked for the next network while the others still run. The scheduler's own time to propose is
// charged to the simulated clock (measured on the wall clock) unless `chargeProposals` is false
// (tests, which need the same completion order on any machine). Ties end in start order.
import type { Measurement } from './types';

export interface AskTell {
  /** The next network while `pending` are running; undefined: nothing left to propose. */
  ask(pending: readonly (readonly number[])[]): Promise<number[] | undefined> | number[] | undefined;
  tell(m: Measurement): void;
}

export interface SimulateOptions {
  workers: number;
  /** Measurements to complete. */
  completions: number;
  /** Simulated seconds a network's measurement takes. */
  duration(point: readonly number[]): number;
  measure(point: readonly number[]): Measurement;
  /** Charge the scheduler's wall time to the clock (default true), times this factor (default 1). */
  chargeProposals?: boolean;
  proposalScale?: number;
}

export interface SimEvent {
  /** Simulated time the measurement ended. */
  time: number;
  started: number;
  worker: number;
  measurement: Measurement;
}

export async function simulate(s: AskTell, o: SimulateOptions): Promise<SimEvent[]> {
  const charge = o.chargeProposals ?? true;
  const scale = o.proposalScale ?? 1;
  let clock = 0;
  let seq = 0;
  const running: { end: number; seq: number; started: number; worker: number; point: number[] }[] = [];
  const freeWorkers = Array.from({ length: o.workers }, (_, i) => i);
  const events: SimEvent[] = [];
  let exhausted = false;
  while (events.length < o.completions) {
    while (!exhausted && freeWorkers.length > 0 && events.length + running.length < o.completions) {
      const t0 = performance.now();
      const p = await s.ask(running.map((r) => r.point));
      if (charge) clock += ((performance.now() - t0) / 1000) * scale;
      if (!p) {
        exhausted = true;
        break;
      }
      const worker = freeWorkers.shift()!;
      running.push({ end: clock + o.duration(p), seq: seq++, started: clock, worker, point: p });
    }
    if (running.length === 0) break;
    let k = 0;
    for (let i = 1; i < running.length; i++) if (running[i].end < running[k].end || (running[i].end === running[k].end && running[i].seq < running[k].seq)) k = i;
    const r = running.splice(k, 1)[0];
    clock = Math.max(clock, r.end);
    const m = o.measure(r.point);
    s.tell(m);
    freeWorkers.push(r.worker);
    events.push({ time: clock, started: r.started, worker: r.worker, measurement: m });
  }
  return events;
}
