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
  { name: 'lsp', summary: 'start the language server (--stdio or --node-ipc)', load: async () => (await import('./lsp')).lspCommand },
];
