// What the editor tells the user when a propagation command finishes (no VS Code here, so the
// rule is tested on its own): one notification per event — the result written, or one message
// for a failure the server did not already show (it marks those `notified`); nothing for the
// user's own cancellations.

/** The server's answer (RunOutcome in server/src/features/propagationRun.ts). */
export interface RunOutcome {
  applied?: boolean;
  name?: string;
  reason?: string;
  traceKey?: string;
  notified?: boolean;
}

export type OutcomeMessage = { kind: 'written'; text: string; name: string; traceKey?: string } | { kind: 'warning'; text: string };

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The one message for a command's outcome, or undefined when there is nothing to say (or it was said). */
export function outcomeMessage(outcome: unknown): OutcomeMessage | undefined {
  const o = rec(outcome) as RunOutcome;
  if (o.applied && typeof o.name === 'string' && o.name) {
    return { kind: 'written', text: `NCP: wrote the network '${o.name}'.`, name: o.name, ...(typeof o.traceKey === 'string' ? { traceKey: o.traceKey } : {}) };
  }
  if (o.notified === true) return undefined;
  const reason = typeof o.reason === 'string' ? o.reason : '';
  if (reason === '' || reason.startsWith('cancelled')) return undefined;
  return { kind: 'warning', text: `NCP: nothing was written: ${reason}` };
}
