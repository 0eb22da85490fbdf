// The traces of propagation runs, per open document: whichever command ran it (code action, code
// lens, palette), each finished run is kept (the last TRACES_PER_DOCUMENT, freed when the document
// closes) and served by `ncp/traces {uri}` (the list, latest first) and `ncp/trace {key}` or
// `{uri, name}` (one trace: the CLI's --json object); `ncp/traceAdded` tells the client of each.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { resultJson } from '../../core/propagate/format';
import type { RequestHandler } from '../protocol';

export const TRACE_REQUEST = 'ncp/trace';
export const TRACES_REQUEST = 'ncp/traces';
/** Notification `{uri, key, name}` sent when a run of a document finishes (its trace is stored). */
export const TRACE_ADDED_NOTIFICATION = 'ncp/traceAdded';
/** Runs kept per document (oldest dropped first); all are freed when the document closes. */
export const TRACES_PER_DOCUMENT = 20;

export interface StoredTrace {
  uri: string;
  /** Unique per run: `ncp/trace {key}` serves exactly this run. */
  key: string;
  /** The run's name: a propagate block's name, or `NETWORK->task` / `NETWORK->budget` for the network commands. */
  name: string;
  /** The declaration written with the result (a fresh name). */
  result: string;
  source: string;
  strategy: string;
  finishedAt: string;
  json: ReturnType<typeof resultJson>;
}

/** The last TRACES_PER_DOCUMENT runs of each open document, latest last. */
const traces = new Map<string, StoredTrace[]>();

/** Legacy key of a run by name: `ncp/trace {key}` with it serves the latest run of that name. */
export function traceKey(uri: string, name: string): string {
  return `${uri}#${name}`;
}

function latest(uri: string, name: string): StoredTrace | undefined {
  const list = traces.get(uri) ?? [];
  for (let i = list.length - 1; i >= 0; i--) if (list[i].name === name || list[i].result === name) return list[i];
  return undefined;
}

function byKey(key: string): StoredTrace | undefined {
  for (const list of traces.values()) {
    for (let i = list.length - 1; i >= 0; i--) if (list[i].key === key) return list[i];
  }
  const hash = key.lastIndexOf('#');
  return hash > 0 ? latest(key.slice(0, hash), key.slice(hash + 1)) : undefined;
}

export function hasTrace(uri: string, name: string): boolean {
  return latest(uri, name) !== undefined;
}

export function storeTrace(t: StoredTrace): void {
  const list = traces.get(t.uri) ?? [];
  list.push(t);
  if (list.length > TRACES_PER_DOCUMENT) list.splice(0, list.length - TRACES_PER_DOCUMENT);
  traces.set(t.uri, list);
}

/** Frees a closed document's traces. */
export function forgetTraces(uri: string): void {
  traces.delete(uri);
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** `ncp/trace {uri, name}` or `{key}` → that run's trace (the CLI's --json object), or null. */
const traceRequest: RequestHandler = {
  method: TRACE_REQUEST,
  handle(params) {
    const p = rec(params);
    if (typeof p.key === 'string') return byKey(p.key)?.json ?? null;
    if (typeof p.uri !== 'string' || typeof p.name !== 'string') {
      throw new ResponseError(ErrorCodes.InvalidParams, "ncp/trace needs {key} or {uri, name} (strings)");
    }
    return latest(p.uri, p.name)?.json ?? null;
  },
};

/** `ncp/traces {uri}` → `{runs: [{key, name, source, finishedAt, strategy, result}]}`, latest first. */
const tracesRequest: RequestHandler = {
  method: TRACES_REQUEST,
  handle(params) {
    const p = rec(params);
    if (typeof p.uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, "ncp/traces needs {uri} (a string)");
    const list = traces.get(p.uri) ?? [];
    return {
      runs: list
        .slice()
        .reverse()
        .map((t) => ({ key: t.key, name: t.name, source: t.source, finishedAt: t.finishedAt, strategy: t.strategy, result: t.result })),
    };
  },
};

export const traceRequests: RequestHandler[] = [traceRequest, tracesRequest];
