// The network as the training command receives it: one JSON object, on stdin and in NCP_NETWORK.
//   {"space":"multires","code":[27 integers],"string":"…"}   or   {"space":"nb201","cell":"|…|"}
import { codeToString } from '../../space/multires';
import { cellToString } from '../../space/nb201';
import type { SpaceKind } from '../types';
import type { CostOptions } from '../../cost';
import { networkExportFields } from '../../export/measuring';

/** Multi-resolution networks also carry "authors" (MultiResolutionNet arguments) and, when given, the target (core/export/measuring.ts). */
export function networkJson(space: SpaceKind, point: readonly number[], networkSetting?: unknown, target?: CostOptions): string {
  if (space === 'nb201') return JSON.stringify({ space, cell: cellToString(point) });
  const obj: Record<string, unknown> = { space, code: point.slice(), string: codeToString(point), ...networkExportFields(point, target) };
  if (networkSetting !== undefined) obj.network_setting = networkSetting;
  return JSON.stringify(obj);
}
