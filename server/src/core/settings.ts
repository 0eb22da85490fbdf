// The catalogue of benchmark settings: the names a `.ncp` objective, the CLI and the predictors
// share. A setting is a name, a task and metrics (main metric first). The settings we know keep
// our labels; any other comes from the data (a benchmark file's `settings` section, the columns
// of a measurements file) or from a trained model folder's manifest, and works the same way.
// Descriptions are our own wording.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closest, didYouMean } from '../language/suggest';

/** The search space a setting's predictor reads: 27-integer network codes or NB201 cells. */
export type SettingSpace = 'multires' | 'nb201';

/** A task name: the known ones (classification, segmentation, video, detection, nb201) or any other. */
export type SettingTask = string;

export interface SettingInfo {
  name: string;
  task: SettingTask;
  space: SettingSpace;
  /** One line for hovers and completion. */
  label: string;
  /** Metric names; the first is the setting's main metric. */
  metrics: readonly string[];
  /** Whether the setting is one of ours (false: it came from data or a manifest). */
  known?: boolean;
}

/** What a data file or a manifest may say about a setting; everything but the name is optional. */
export interface SettingDeclaration {
  task?: string;
  label?: string;
  metrics?: readonly string[];
  space?: SettingSpace;
}

export const SETTINGS: readonly SettingInfo[] = ([
  { name: 'cls-50-1000', task: 'classification', space: 'multires', label: 'ImageNet subset: 50 classes × 1000 images, 100 epochs', metrics: ['top1', 'top5'] },
  { name: 'cls-50-100', task: 'classification', space: 'multires', label: 'ImageNet subset: 50 classes × 100 images', metrics: ['top1', 'top5'] },
  { name: 'cls-10-1000', task: 'classification', space: 'multires', label: 'ImageNet subset: 10 classes × 1000 images', metrics: ['top1', 'top5'] },
  { name: 'cls-10c', task: 'classification', space: 'multires', label: 'ImageNet 50 × 1000, 10-epoch proxy with a converging learning rate', metrics: ['top1', 'top5'] },
  { name: 'seg', task: 'segmentation', space: 'multires', label: 'Cityscapes semantic segmentation, 512×1024 crops', metrics: ['mIoU', 'mAcc', 'aAcc'] },
  { name: 'seg-4x', task: 'segmentation', space: 'multires', label: 'Cityscapes semantic segmentation, 128×512 crops (4× smaller)', metrics: ['mIoU', 'mAcc', 'aAcc'] },
  { name: 'video', task: 'video', space: 'multires', label: 'HMDB51 action recognition, trained from scratch', metrics: ['top1', 'top5'] },
  { name: 'video-p', task: 'video', space: 'multires', label: 'HMDB51 action recognition, from ImageNet-pretrained weights', metrics: ['top1', 'top5'] },
  { name: 'nb201', task: 'nb201', space: 'nb201', label: 'NAS-Bench-201 cell, ImageNet16-120 test accuracy', metrics: ['acc'] },
] satisfies SettingInfo[]).map((s) => ({ ...s, known: true }));

/**
 * Known settings that neither the shipped predictors nor our JSON carry, but the authors' data
 * does: labels (and metric order) for when a data file or manifest brings them.
 */
const KNOWN_ELSEWHERE: readonly SettingInfo[] = [
  { name: '3ddet', task: 'detection', space: 'multires', label: 'KITTI 3D object detection (car), average precision', metrics: ['moderate', 'easy', 'hard'], known: true },
];

/** Task names usable in place of a setting in the default catalogue: each stands for the task's main setting. */
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
  moderate: '3D average precision, moderate difficulty (%)',
  easy: '3D average precision, easy difficulty (%)',
  hard: '3D average precision, hard difficulty (%)',
};

const KNOWN = new Map([...SETTINGS, ...KNOWN_ELSEWHERE].map((s) => [s.name, s]));

/**
 * The known settings a name that is not one of them looks like a typo of (#27): a name that differs
 * only in case is that setting (`Seg` → seg); otherwise the known settings and task names within a
 * small edit distance (`sgementation` → seg), a task standing for its main setting. Empty for a
 * known name and for a name like none (a setting of the user's own). The data checks of the CLI
 * and the checks of a measuring command's output share it.
 */
export function lookalikeSettings(name: string): string[] {
  if (KNOWN.has(name)) return [];
  const words = [...KNOWN.keys(), ...Object.keys(TASK_MAIN_SETTING)];
  const same = words.filter((w) => w.toLowerCase() === name.toLowerCase());
  const near = (same.length > 0 ? same : closest(name, words, 2)).map((w) => TASK_MAIN_SETTING[w] ?? w);
  return [...new Set(near)];
}

/** "setting 'Seg' is not a known setting (did you mean 'seg'?)": a look-alike name and its lookalikeSettings, for messages. */
export function lookalikeProblem(name: string, near: readonly string[]): string {
  return `setting '${name}' is not a known setting${didYouMean(near)}`;
}

/** Task names that only alias a setting (the nb201 "task" is the setting itself). */
const NOT_A_TASK_ALIAS = new Set(['nb201']);

/** A setting as a catalogue holds it: a known one keeps our label; any other takes what was declared. */
export function declareSetting(name: string, d: SettingDeclaration = {}): SettingInfo {
  const known = KNOWN.get(name);
  const metrics = d.metrics && d.metrics.length > 0 ? [...d.metrics] : known ? [...known.metrics] : [];
  if (known) return { ...known, metrics };
  const task = d.task && /^[A-Za-z][\w-]*$/.test(d.task) ? d.task : name;
  return { name, task, space: d.space ?? 'multires', label: d.label ?? `${name}: a setting from the data (task ${task})`, metrics, known: false };
}

/**
 * A set of settings and the task names that stand for them. Order matters: a task name stands
 * for the first setting of that task (the known tasks keep their main settings).
 */
export class SettingCatalogue {
  readonly settings: readonly SettingInfo[];
  private readonly byName: Map<string, SettingInfo>;
  private readonly taskMain: Map<string, string>;

  constructor(settings: readonly SettingInfo[]) {
    const seen = new Map<string, SettingInfo>();
    for (const s of settings) if (!seen.has(s.name)) seen.set(s.name, s);
    this.settings = [...seen.values()];
    this.byName = seen;
    this.taskMain = new Map();
    for (const [task, main] of Object.entries(TASK_MAIN_SETTING)) if (seen.has(main)) this.taskMain.set(task, main);
    for (const s of this.settings) {
      if (NOT_A_TASK_ALIAS.has(s.task) || seen.has(s.task) || this.taskMain.has(s.task)) continue;
      this.taskMain.set(s.task, s.name);
    }
  }

  /** The setting a name stands for: a setting name or a task name; undefined when unknown. */
  resolve(name: string): SettingInfo | undefined {
    return this.byName.get(name) ?? this.byName.get(this.taskMain.get(name) ?? '');
  }

  /** The main setting's name when `name` is a task name (not itself a setting), else undefined. */
  taskAlias(name: string): string | undefined {
    return this.byName.has(name) ? undefined : this.taskMain.get(name);
  }

  /** Task names → their main setting, in catalogue order. */
  tasks(): [task: string, main: string][] {
    return [...this.taskMain];
  }

  /** Every name accepted where a setting is expected (settings, then task names). */
  names(): string[] {
    return [...this.settings.map((s) => s.name), ...this.taskMain.keys()];
  }

  /** Every metric name of every setting (for did-you-mean on metrics). */
  metricNames(): string[] {
    return [...new Set(this.settings.flatMap((s) => s.metrics))];
  }

  /** One line naming the settings and tasks, for error messages. */
  describe(): string {
    const tasks = [...this.taskMain.keys()];
    return `settings: ${this.settings.map((s) => s.name).join(', ')}${tasks.length > 0 ? `, or a task: ${tasks.join(', ')}` : ''}`;
  }

  /** This catalogue with `more` added (known names already here are kept as they are). */
  with(more: readonly SettingInfo[]): SettingCatalogue {
    return new SettingCatalogue([...this.settings, ...more]);
  }
}

/** The settings we know (the shipped predictors' ones). */
export const DEFAULT_CATALOGUE = new SettingCatalogue(SETTINGS);

/**
 * The catalogue of a trained model folder, from its manifest: each setting's task, label and
 * metrics as `ncp train` recorded them (older manifests: metrics only; known names keep ours),
 * plus the known settings, so a document naming one still reads as it did.
 */
export function catalogueFromManifestObject(manifest: unknown): SettingCatalogue {
  const m = manifest as { settings?: Record<string, { task?: unknown; label?: unknown; metrics?: unknown; inputDim?: unknown }> } | null;
  const list: SettingInfo[] = [];
  for (const [name, e] of Object.entries(m?.settings ?? {})) {
    if (!e || typeof e !== 'object') continue;
    const metrics = Array.isArray(e.metrics) && e.metrics.every((x) => typeof x === 'string') ? (e.metrics as string[]) : undefined;
    list.push(
      declareSetting(name, {
        task: typeof e.task === 'string' ? e.task : undefined,
        label: typeof e.label === 'string' ? e.label : undefined,
        metrics,
        space: e.inputDim === 30 || name === 'nb201' ? 'nb201' : 'multires',
      }),
    );
  }
  return withKnown(list);
}

/** `list` with the known settings it lacks: ours first, in our order, then the others. */
export function withKnown(list: readonly SettingInfo[]): SettingCatalogue {
  const given = new Map(list.map((s) => [s.name, s]));
  return new SettingCatalogue([...SETTINGS.map((s) => given.get(s.name) ?? s), ...list]);
}

/** The catalogue of the model folder `dir` (its manifest.json); undefined when it cannot be read. */
export function catalogueFromModels(dir: string): SettingCatalogue | undefined {
  try {
    return catalogueFromManifestObject(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  } catch {
    return undefined;
  }
}

let active: SettingCatalogue = DEFAULT_CATALOGUE;

/**
 * The catalogue in use by this process: the loaded predictor set's (the server and the CLI set
 * it from the model folder's manifest), else the known settings.
 */
export function activeCatalogue(): SettingCatalogue {
  return active;
}

/** Sets the process's catalogue; returns whether it changed (callers re-analyse documents then). */
export function setActiveCatalogue(c: SettingCatalogue | undefined): boolean {
  const next = c && c.settings.length > 0 ? c : DEFAULT_CATALOGUE;
  const changed = JSON.stringify(next.settings) !== JSON.stringify(active.settings);
  active = next;
  return changed;
}

/** The setting a name stands for in the active catalogue: a setting name or a task name; undefined when unknown. */
export function resolveSetting(name: string): SettingInfo | undefined {
  return active.resolve(name);
}

/** Every name accepted where a setting is expected in the active catalogue (settings, then task names). */
export function settingNames(): string[] {
  return active.names();
}
