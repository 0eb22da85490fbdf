// Predictor access for hints and hovers. The predictors load lazily in the background: features
// never wait for them (diagnostics least of all); until they are ready hints show exact cost only,
// and the server asks the client to refresh hints once they arrive. A failed load is logged once
// and everything else keeps working.
import type { Estimate, PredictorSet } from '../../core/predict/types';

export type PredictorState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; version: string; settings: readonly string[]; backend: string }
  | { kind: 'failed'; message: string };

export type PredictorLoader = (backend: string) => Promise<{ set: PredictorSet; backend: string }>;

/** Entries kept per setting before the cache is cleared (codes typed during a session). */
const CACHE_LIMIT = 50_000;

export class PredictionService {
  private _state: PredictorState = { kind: 'idle' };
  private set: PredictorSet | undefined;
  private loading: Promise<void> | undefined;
  /** setting → code key → estimates (one per metric). */
  private readonly cache = new Map<string, Map<string, Estimate[]>>();
  private readonly listeners: ((s: PredictorState) => void)[] = [];

  constructor(
    private readonly loader: PredictorLoader,
    private readonly log: (message: string) => void,
  ) {}

  get state(): PredictorState {
    return this._state;
  }

  onStateChange(fn: (s: PredictorState) => void): void {
    this.listeners.push(fn);
  }

  private setState(s: PredictorState): void {
    this._state = s;
    for (const fn of this.listeners) {
      try {
        fn(s);
      } catch (e) {
        this.log(`predictor state listener failed: ${(e as Error).message}`);
      }
    }
  }

  /** Starts loading once (in the background); later calls are free. */
  ensureLoading(backend: string): void {
    if (this.loading) return;
    this.setState({ kind: 'loading' });
    this.loading = (async () => {
      // Let pending diagnostics go out before module loading and wasm compilation take the thread.
      await new Promise((r) => setTimeout(r, 0));
      try {
        const { set, backend: used } = await this.loader(backend);
        this.set = set;
        this.setState({ kind: 'ready', version: set.version, settings: [...set.settings], backend: used });
        this.log(`predictors ${set.version} loaded (${used} backend; settings ${set.settings.join(', ')})`);
      } catch (e) {
        this.setState({ kind: 'failed', message: (e as Error).message ?? String(e) });
        this.log(`predictors unavailable, hints and hovers show exact cost only: ${(e as Error).message ?? String(e)}`);
      }
    })();
  }

  /** Resolves when loading has finished (either way); for the CLI and tests. */
  async whenSettled(): Promise<PredictorState> {
    await this.loading;
    return this._state;
  }

  /** Drops the loaded set so the next ensureLoading loads again (e.g. after a backend change). */
  reset(): void {
    if (this._state.kind === 'loading') return;
    this.set = undefined;
    this.loading = undefined;
    this.cache.clear();
    this.setState({ kind: 'idle' });
  }

  /**
   * The loaded set itself, for features that need a whole predictor (propagation): loads it with
   * `backend` if nothing is loaded yet (or the last load failed — a run may retry), so everyone
   * shares one copy loaded from the configured models directory. Rejects with the load error.
   */
  async predictorSet(backend: string): Promise<PredictorSet> {
    if (this._state.kind === 'failed') this.reset();
    this.ensureLoading(backend);
    await this.loading;
    if (this.set) return this.set;
    const s = this._state;
    throw new Error(s.kind === 'failed' ? s.message : `the predictors are not loaded (${s.kind})`);
  }

  settings(): readonly string[] {
    return this.set?.settings ?? [];
  }

  metrics(setting: string): readonly string[] {
    return this.set?.get(setting)?.metrics ?? [];
  }

  /**
   * Estimates for many inputs of one setting, undefined while the predictors are not ready or the
   * setting has none. Cached per input, so a keystroke only predicts the networks it changed.
   */
  predict(setting: string, inputs: readonly (readonly number[])[]): (Estimate[] | undefined)[] {
    const p = this.set?.get(setting);
    if (!p) return inputs.map(() => undefined);
    let cache = this.cache.get(setting);
    if (!cache) this.cache.set(setting, (cache = new Map()));
    const out: (Estimate[] | undefined)[] = new Array(inputs.length);
    const missing: number[] = [];
    inputs.forEach((x, i) => {
      const hit = cache!.get(x.join(','));
      if (hit) out[i] = hit;
      else missing.push(i);
    });
    if (missing.length > 0) {
      try {
        const est = p.predictBatch(missing.map((i) => inputs[i]));
        if (cache.size + missing.length > CACHE_LIMIT) cache.clear();
        missing.forEach((i, j) => {
          out[i] = est[j];
          cache!.set(inputs[i].join(','), est[j]);
        });
      } catch (e) {
        this.log(`prediction failed for setting ${setting}: ${(e as Error).message}`);
      }
    }
    return out;
  }
}
