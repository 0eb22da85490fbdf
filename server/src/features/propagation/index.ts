// Propagation's requests and commands: run a block, propagate the network at the cursor, fit a
// FLOPs budget (and the least budget a fit can meet, `ncp/budgetLimits`), and the traces (`ncp/trace`, `ncp/traces`). Its code actions and lens are
// listed by lsp/codeActions.ts and lsp/codeLens.ts.
import type { Capability } from '../protocol';
import { propagationCommands, propagationRequests } from './propagationRun';
import { budgetLimitsRequest } from './budgetLimits';

export const propagation: Capability = { requests: [...propagationRequests, budgetLimitsRequest], commands: propagationCommands };
