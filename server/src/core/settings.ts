// The catalogue of benchmark settings: the names a `.ncp` objective, the CLI and the predictors
// share. One place, so a new setting is added once. Descriptions are our own wording.

/** The search space a setting's predictor reads: 27-integer network codes or NB201 cells. */
export type SettingSpace = 'multires' | 'nb201';

export type SettingTask = 'classification' | 'segmentation' | 'video' | 'nb201';

export interface SettingInfo {
  name: string;
  task: SettingTask;
  space: SettingSpace;
  /** One line for hovers and completion. */
  label: string;
  /** Metric names; the first is the setting's main metric. */
  metrics: readonly string[];
}

export const SETTINGS: readonly SettingInfo[] = [
  { name: 'cls-50-1000', task: 'classification', space: 'multires', label: 'ImageNet subset: 50 classes × 1000 images, 100 epochs', metrics: ['top1', 'top5'] },
  { name: 'cls-50-100', task: 'classification', space: 'multires', label: 'ImageNet subset: 50 classes × 100 images', metrics: ['top1', 'top5'] },
  { name: 'cls-10-1000', task: 'classification', space: 'multires', label: 'ImageNet subset: 10 classes × 1000 images', metrics: ['top1', 'top5'] },
  { name: 'cls-10c', task: 'classification', space: 'multires', label: 'ImageNet 50 × 1000, 10-epoch proxy with a converging learning rate', metrics: ['top1', 'top5'] },
  { name: 'seg', task: 'segmentation', space: 'multires', label: 'Cityscapes semantic segmentation, 512×1024 crops', metrics: ['mIoU', 'mAcc', 'aAcc'] },
  { name: 'seg-4x', task: 'segmentation', space: 'multires', label: 'Cityscapes semantic segmentation, 128×512 crops (4× smaller)', metrics: ['mIoU', 'mAcc', 'aAcc'] },
  { name: 'video', task: 'video', space: 'multires', label: 'HMDB51 action recognition, trained from scratch', metrics: ['top1', 'top5'] },
  { name: 'video-p', task: 'video', space: 'multires', label: 'HMDB51 action recognition, from ImageNet-pretrained weights', metrics: ['top1', 'top5'] },
  { name: 'nb201', task: 'nb201', space: 'nb201', label: 'NAS-Bench-201 cell, ImageNet16-120 test accuracy', metrics: ['acc'] },
];

/** Task names usable in place of a setting: each stands for the task's main setting. */
export const TASK_MAIN_SETTING: Readonly<Record<string, string>> = {
  classification: 'cls-50-1000',
  segmentation: 'seg',
  video: 'video',
};

/** Units of the metrics, for display. All are percentages. */
export const METRIC_LABELS: Readonly<Record<string, string>> = {
  top1: 'top-1 accuracy (%)',
  top5: 'top-5 accuracy (%)',
  mIoU: 'mean intersection over union (%)',
  mAcc: 'mean class accuracy (%)',
  aAcc: 'pixel accuracy (%)',
  acc: 'test accuracy (%)',
};

const byName = new Map(SETTINGS.map((s) => [s.name, s]));

/** The setting a name stands for: a setting name or a task alias; undefined when unknown. */
export function resolveSetting(name: string): SettingInfo | undefined {
  return byName.get(name) ?? byName.get(TASK_MAIN_SETTING[name] ?? '');
}

/** Every name accepted where a setting is expected (settings, then task aliases). */
export function settingNames(): string[] {
  return [...SETTINGS.map((s) => s.name), ...Object.keys(TASK_MAIN_SETTING)];
}
