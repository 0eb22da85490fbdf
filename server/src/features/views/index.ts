// The views' requests and commands: benchmark explorer, compare, the network at the cursor, and
// inserting a network picked in a view.
import type { Capability } from '../protocol';
import { benchmarkExplorerRequest } from './benchmarkExplorer';
import { compareRequest } from './compare';
import { networkAtRequest } from './networkAt';
import { insertNetworkCommand } from './insertNetwork';

export const views: Capability = { requests: [benchmarkExplorerRequest, compareRequest, networkAtRequest], commands: [insertNetworkCommand] };
