// Bundles the extension client, the language server, the CLI and the webview with esbuild,
// and copies the tfjs wasm binaries beside the bundles (the wasm backend loads them at run time).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const watch = process.argv.includes('--watch');
// Minified by default (the .vsix and the CLI ship these bundles); --no-minify or --watch for reading them.
const minify = !watch && !process.argv.includes('--no-minify');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify,
  // error messages and logs name classes and functions
  keepNames: true,
  logLevel: quiet ? 'error' : 'info',
  // tfjs-node(-gpu) is optional and user-installed: resolve it at run time, never bundle it.
  // onnxruntime-node (`ncprop latency`) is a native addon: loaded from node_modules at run time.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node'],
};

const entries = [
  { ...node, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(dist, 'extension.js') },
  { ...node, entryPoints: [join(root, 'server/src/server.ts')], outfile: join(dist, 'server.js') },
  { ...node, entryPoints: [join(root, 'server/src/cli/ncp.ts')], outfile: join(dist, 'cli.js') },
  // the CLI's training fits Gaussian processes in worker threads (gpPool.ts)
  { ...node, entryPoints: [join(root, 'server/src/core/predict/gpWorker.ts')], outfile: join(dist, 'gp-worker.js') },
  // the language server fits transfer models of settings of one's own in a worker thread (transferModels.ts)
  { ...node, entryPoints: [join(root, 'server/src/features/predictors/transferWorker.ts')], outfile: join(dist, 'transfer-worker.js') },
];
const webviewEntry = join(root, 'webview/src/main.ts');
if (existsSync(webviewEntry)) {
  entries.push({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, minify,
    logLevel: quiet ? 'error' : 'info',
    entryPoints: [webviewEntry], outfile: join(dist, 'webview.js'),
  });
}

const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
  copyFileSync(join(wasmDir, f), join(dist, f));
}

if (watch) {
  for (const e of entries) await (await esbuild.context(e)).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
}
