// Chooses and starts the tfjs backend: a user-installed tfjs-node(-gpu) when present, else wasm
// (SIMD) with the cpu backend as the last resort. setBackend resolves to false rather than
// throwing when a backend cannot start, so every choice is checked.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// A named import, not a bare side-effect one: esbuild resolves the package to its CommonJS
// 'main', which its sideEffects list does not name, and would drop a bare import from the bundle.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type BackendChoice = 'auto' | 'wasm' | 'cpu' | 'tensorflow';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'wasm', 'cpu', 'tensorflow'];

const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

/** Where the .wasm binaries are: beside the bundle (dist/), else in node_modules (tsx, tests). */
export function findWasmDir(): string | undefined {
  const candidates = [
    __dirname, // dist/ (scripts/build.mjs copies the binaries there)
    resolve(__dirname, '../../../../node_modules/@tensorflow/tfjs-backend-wasm/dist'), // server/src/core/predict
    resolve(__dirname, '../node_modules/@tensorflow/tfjs-backend-wasm/dist'), // dist/ in a checkout
    resolve(process.cwd(), 'node_modules/@tensorflow/tfjs-backend-wasm/dist'),
  ];
  return candidates.find((d) => existsSync(join(d, WASM_FILE)));
}

let wasmRegistered = false;
let current: Promise<string> | undefined;
let currentChoice: BackendChoice | undefined;

function tryRequireNode(): boolean {
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      // Dynamic require: optional, user-installed, external in the bundle.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(name);
      return true;
    } catch {
      // not installed (or built for another platform): fall through
    }
  }
  return false;
}

async function tryWasm(): Promise<boolean> {
  const dir = findWasmDir();
  if (!dir) return false;
  if (!wasmRegistered) {
    setWasmPaths(dir.endsWith('/') ? dir : dir + '/');
    wasmRegistered = true;
  }
  try {
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function trySet(name: string): Promise<boolean> {
  if (name === 'cpu' && !tf.findBackendFactory('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
  if (!tf.findBackendFactory(name)) return false;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function start(choice: BackendChoice): Promise<string> {
  // PROD: skips debug checks and the cpu backend's "install tfjs-node" banner.
  tf.env().set('PROD', true);
  const order: BackendChoice[] =
    choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : choice === 'cpu' ? ['cpu'] : [choice, 'wasm', 'cpu'];
  for (const b of order) {
    let ok = false;
    if (b === 'tensorflow') ok = tryRequireNode() && (await trySet('tensorflow'));
    else if (b === 'wasm') ok = await tryWasm();
    else ok = await trySet('cpu');
    if (ok) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  throw new Error('no tfjs backend could start (tried ' + order.join(', ') + ')');
}

/**
 * Starts the backend for `choice` (the `ncp.predictor.backend` setting) and returns the name of
 * the backend actually in use: 'tensorflow', 'wasm' or 'cpu'. A named backend that cannot start
 * falls back to wasm, then cpu. Calling again with the same choice reuses the first result.
 */
export function initBackend(choice: BackendChoice = 'auto'): Promise<string> {
  if (!current || currentChoice !== choice) {
    currentChoice = choice;
    current = start(choice);
  }
  return current;
}

/** The backend in use, or undefined before initBackend. */
export function backendInUse(): string | undefined {
  return current ? tf.getBackend() : undefined;
}

export function backendFromEnv(): BackendChoice {
  const v = process.env.NCP_PREDICTOR_BACKEND;
  return v && (BACKEND_CHOICES as readonly string[]).includes(v) ? (v as BackendChoice) : 'auto';
}
