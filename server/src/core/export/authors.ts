// The authors' MultiResolutionNet arguments (dingmyu/NCP models/supernet.py) of a network, as the
// JSON a training script built on their code reads: input_channel, network_setting, last_channel.
import { codeToTorchArgs, type TorchArgs } from '../space/multires';
import { checkExportable, describeTarget, exactCost, type ExportTarget } from './target';

/** The three constructor arguments that define the network (one network_setting entry per block). */
export function authorsArgs(code: readonly number[]): TorchArgs {
  return codeToTorchArgs(code);
}

/**
 * The arguments plus what the rest of their constructor needs for the target (task and classes);
 * the input size is not an argument there (only its `_comment` states it): every key is one
 * MultiResolutionNet(**args) accepts.
 */
export interface AuthorsExport extends TorchArgs {
  num_classes: number;
  task: 'classification' | 'segmentation';
}

export function authorsExport(code: readonly number[], t: ExportTarget): AuthorsExport {
  checkExportable(code, t);
  return {
    ...authorsArgs(code),
    num_classes: t.classes,
    task: t.head === 'seg' ? 'segmentation' : 'classification',
  };
}

/** The JSON file `ncprop export --format authors` writes: one network_setting entry a line. */
export function authorsJson(code: readonly number[], t: ExportTarget): string {
  const a = authorsExport(code, t);
  const c = exactCost(code, t);
  const lines = [
    '{',
    `  "_comment": ${JSON.stringify(`MultiResolutionNet(**args) of dingmyu/NCP models/supernet.py; ${describeTarget(t)}: ${c.macs} multiply-accumulates, ${c.params} parameters`)},`,
    `  "input_channel": ${JSON.stringify(a.input_channel)},`,
    '  "network_setting": [',
    a.network_setting.map((s) => `    ${JSON.stringify(s)}`).join(',\n'),
    '  ],',
    `  "last_channel": ${a.last_channel},`,
    `  "num_classes": ${a.num_classes},`,
    `  "task": ${JSON.stringify(a.task)}`,
    '}',
  ];
  return lines.join('\n') + '\n';
}
