// Search blocks' requests and commands: suggest networks (`ncp.suggestNetworks`) and the
// progress of a search (`ncp/searchProgress`). Its lens is listed by lsp/codeLens.ts.
import type { Capability } from '../protocol';
import { searchProgressRequest } from './searchProgress';
import { suggestCommand } from './searchSuggest';
import { runSearchCommand, stopSearchCommand } from './searchRun';

export const search: Capability = { requests: [searchProgressRequest], commands: [suggestCommand, runSearchCommand, stopSearchCommand] };
