// The registry of `ncp` sub-commands. Each module is loaded only when its command runs,
// so `ncp flops` does not pay for tfjs or the language server.
import type { Command } from './command';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: 'flops', summary: 'exact FLOPs and params of network codes', load: async () => (await import('./flops')).flopsCommand },
  { name: 'check', summary: 'report problems in .ncp files (errors, range warnings)', load: async () => (await import('./check')).checkCommand },
  { name: 'fmt', summary: 'format .ncp files as the editor does (--check for CI)', load: async () => (await import('./fmt')).fmtCommand },
  { name: 'lsp', summary: 'start the language server (--stdio or --node-ipc)', load: async () => (await import('./lsp')).lspCommand },
  { name: 'train', summary: 'train accuracy predictors on a benchmark file', load: async () => (await import('./train')).trainCommand },
  { name: 'import', summary: "convert the authors' pickles or your measurements to our JSON form", load: async () => (await import('./import')).importCommand },
  { name: 'eval', summary: 'score predictors: Kendall τ, Spearman ρ, MAE, spread coverage', load: async () => (await import('./eval')).evalCommand },
  { name: 'predict', summary: 'predicted accuracy (mean ± spread) of codes or NB201 cells', load: async () => (await import('./predict')).predictCommand },
  { name: 'propagate', summary: 'propagate a network code towards a task within a FLOPs budget (NCP)', load: async () => (await import('./propagate')).propagateCommand },
  { name: 'run', summary: "run a .ncp file's propagate or search block as the editor does (--write inserts the result)", load: async () => (await import('./run')).runCommand },
  { name: 'nb201', summary: 'NCP on NAS-Bench-201: train a predictor, propagate cells, compare with the optimum', load: async () => (await import('./nb201')).nb201Command },
  { name: 'search', summary: 'closed-loop search: choose which networks to measure next, measure them, repeat', load: async () => (await import('./search')).searchCommand },
  { name: 'export', summary: "write a network as PyTorch, ONNX or the authors' arguments", load: async () => (await import('./export')).exportCommand },
  { name: 'latency', summary: 'inference time of a network on this machine (ONNX Runtime, CPU)', load: async () => (await import('./latency')).latencyCommand },
  { name: 'suggest', summary: 'the next networks to train, from a measurements file', load: async () => (await import('./suggest')).suggestCommand },
];
