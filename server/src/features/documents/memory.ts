// Returning a large document's memory when it closes. V8 frees the analysis at its next full
// collection, but an idle server may not have one for minutes, and the heap it grew to stays
// resident meanwhile (an 11 MB document's analysis is hundreds of MB). So after a large
// document closes, ask for a full collection once the editor's follow-up requests are done;
// V8 then gives the emptied pages back. Node exposes `gc` only behind a flag: it is enabled at
// run time and taken from a fresh context (the flag applies to contexts made after it is set).
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
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
    // V8 shrinks the young generation (grown to 2 × 16 MB while the document was analysed) only
    // in a collection that sees a low allocation rate over the last 5 s: one more pass then.
    setTimeout(gc, 6_000).unref();
  }, delayMs);
  timer.unref();
}

/**
 * How far V8 lets the heap grow past its live size before the next full collection while a
 * large document is open (percent; V8's own choice is up to 300%). Each keystroke in an 11 MB
 * document leaves its previous text and tables behind (~16 MB): with V8's growth the server
 * reached 1.1 GB after 40 keystrokes for ~300 MB live. Set only once the first analysis is
 * done: while that builds its tree, a small factor would mean a full collection every few MB.
 */
const LARGE_HEAP_GROWING_PERCENT = 30;
const largeOpen = new Set<string>();

function setGrowing(percent: number): void {
  try {
    setFlagsFromString(`--heap-growing-percent=${percent}`);
  } catch {
    // an engine without the flag keeps its own policy
  }
}

/** A document of RELEASE_MIN_CHARS or more has been analysed (`open`) or closed/forgotten. */
export function largeDocument(uri: string, open: boolean): void {
  const before = largeOpen.size;
  if (open) largeOpen.add(uri);
  else largeOpen.delete(uri);
  if (before === 0 && largeOpen.size > 0) setGrowing(LARGE_HEAP_GROWING_PERCENT);
  else if (before > 0 && largeOpen.size === 0) setGrowing(0);
}

/**
 * While a large document is open, each keystroke leaves its previous text, line tables and the
 * editor library's copy behind (~35 MB for a 12 MB document), and V8 let the heap grow to about
 * twice the live size before collecting: the server's RSS passed 600 MB after 20 keystrokes,
 * whatever `--heap-growing-percent` said. So once the heap has grown by half past what the last
 * collection left, collect — after the diagnostics are out, so the keystroke that made the garbage
 * does not wait for it.
 */
const GROWN = 1.5;
let liveAfterCollection = 0;
let collecting: NodeJS.Immediate | undefined;

export function collectIfGrown(): void {
  if (largeOpen.size === 0 || collecting) return;
  const used = getHeapStatistics().used_heap_size;
  // V8 collected by itself since (or this is the first look): start from here
  if (liveAfterCollection === 0 || used < liveAfterCollection) liveAfterCollection = used;
  if (used < liveAfterCollection * GROWN) return;
  collecting = setImmediate(() => {
    collecting = undefined;
    const gc = fullCollection();
    if (!gc) return;
    gc();
    liveAfterCollection = getHeapStatistics().used_heap_size;
  });
}
