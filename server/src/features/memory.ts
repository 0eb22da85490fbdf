// Returning a large document's memory when it closes. V8 frees the analysis at its next full
// collection, but an idle server may not have one for minutes, and the heap it grew to stays
// resident meanwhile (an 11 MB document's analysis is hundreds of MB). So after a large
// document closes, ask for a full collection once the editor's follow-up requests are done;
// V8 then gives the emptied pages back. Node exposes `gc` only behind a flag: it is enabled at
// run time and taken from a fresh context (the flag applies to contexts made after it is set).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Documents from this size on have their memory given back promptly when closed. */
export const RELEASE_MIN_CHARS = 1_000_000;

let collect: (() => void) | undefined | null;
let timer: NodeJS.Timeout | undefined;

function fullCollection(): (() => void) | undefined {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as unknown;
      collect = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  return collect ?? undefined;
}

/** Schedules one full collection (a later call within the delay merges into it). */
export function releaseMemorySoon(delayMs = 200): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    const gc = fullCollection();
    if (!gc) return;
    gc();
    // A second pass a little later frees what the first one's finalisers and weak maps let go.
    setTimeout(gc, 500).unref();
  }, delayMs);
  timer.unref();
}
