// What the measuring command's network JSON carries beside the code, so that a training script
// can build the network from what it is given: the authors' MultiResolutionNet arguments, and the
// input size, head and classes the search counts cost at (when they are not the benchmark's).
import type { CostOptions } from '../cost';
import { authorsArgs } from './authors';

export function networkExportFields(code: readonly number[], target?: CostOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  try {
    out.authors = authorsArgs(code);
  } catch {
    // a code too large to list block by block: the script still has the code
  }
  if (target?.input !== undefined) out.input = [...target.input];
  if (target?.head !== undefined) out.head = target.head;
  if (target?.classes !== undefined) out.classes = target.classes;
  return out;
}
