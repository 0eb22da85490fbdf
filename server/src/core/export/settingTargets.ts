// The input size and head each benchmark setting trains at, where it is not the benchmark's
// 128×128 classifier (the paper's Cityscapes settings): the hover shows a network's exact cost at
// the targets of a document's blocks beside the 128×128 figure (features/export/documentTargets.ts).
import type { CostOptions } from '../cost';

/** Settings trained at another input or head than 128×128 classification. */
export const SETTING_TARGETS: Readonly<Record<string, Required<CostOptions>>> = {
  seg: { input: [512, 1024], head: 'seg', classes: 19 }, // Cityscapes, 512×1024 crops
  'seg-4x': { input: [128, 512], head: 'seg', classes: 19 }, // Cityscapes, 128×512 crops
};
