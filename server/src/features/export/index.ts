// Exporting a network (issue 23): the ncp/exportNetwork request the client's "Export Network…"
// sends; the code action that offers it is listed in lsp/codeActions.ts.
import type { Capability } from '../protocol';
import { exportRequest } from './exportNetwork';

export const exporting: Capability = { requests: [exportRequest], commands: [] };
