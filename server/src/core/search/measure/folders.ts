// Where each measurement keeps its files: a folder beside the measurements file, named after it
// (`runs.jsonl` → `runs/`), one sub-folder per measurement (`runs/0007/`) holding the network it
// measures (`network.json`) and one folder per attempt (`attempt-1/`: stdout, stderr and what a
// backend needs to find the attempt again, e.g. a Slurm job id). A measurement folder whose id has
// no row in the measurements file was cut short (interrupt, kill): `--resume` measures it again.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** `dir/runs.jsonl` → `dir/runs` (a file without an extension: `dir/runs.d`). */
export function runsDirFor(measurementsPath: string): string {
  const ext = extname(measurementsPath);
  const base = basename(measurementsPath, ext);
  return join(dirname(measurementsPath), ext ? base : `${base}.d`);
}

export function formatId(n: number): string {
  return String(n).padStart(4, '0');
}

export interface RunFolderNetwork {
  id: string;
  space: string;
  point: number[];
}

export class RunFolders {
  private nextNumber: number;

  constructor(
    readonly root: string,
    /** Ids already in the measurements file. */
    knownIds: Iterable<string> = [],
  ) {
    mkdirSync(root, { recursive: true });
    let max = 0;
    for (const id of knownIds) if (/^\d+$/.test(id)) max = Math.max(max, Number(id));
    for (const id of this.ids()) max = Math.max(max, Number(id));
    this.nextNumber = max + 1;
  }

  /** Ids of the measurement folders there are (numeric names only). */
  ids(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
  }

  /** A new measurement folder with its network written in it. */
  create(space: string, point: readonly number[], network: string): string {
    const id = formatId(this.nextNumber++);
    this.writeNetwork(id, space, point, network);
    return id;
  }

  writeNetwork(id: string, space: string, point: readonly number[], network: string): void {
    const dir = this.dir(id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'network.json'), network + '\n');
    writeFileSync(join(dir, 'point.json'), JSON.stringify({ id, space, point }) + '\n');
  }

  dir(id: string): string {
    return join(this.root, id);
  }

  attemptDir(id: string, attempt: number): string {
    return join(this.root, id, `attempt-${attempt}`);
  }

  /** Attempts already made (folders attempt-1 …), 0 when none. */
  attempts(id: string): number {
    const d = this.dir(id);
    if (!existsSync(d)) return 0;
    let n = 0;
    for (const name of readdirSync(d)) {
      const m = /^attempt-(\d+)$/.exec(name);
      if (m) n = Math.max(n, Number(m[1]));
    }
    return n;
  }

  /** The network of a measurement folder, or undefined when it is not one (or was half-written). */
  network(id: string): RunFolderNetwork | undefined {
    try {
      const v = JSON.parse(readFileSync(join(this.dir(id), 'point.json'), 'utf8')) as Partial<RunFolderNetwork>;
      if (typeof v.space !== 'string' || !Array.isArray(v.point) || !v.point.every((x) => Number.isInteger(x))) return undefined;
      return { id, space: v.space, point: v.point };
    } catch {
      return undefined;
    }
  }

  /** Measurement folders with no row in the measurements file: cut short, to be measured again. */
  pending(recordedIds: ReadonlySet<string>): RunFolderNetwork[] {
    const out: RunFolderNetwork[] = [];
    for (const id of this.ids()) {
      if (recordedIds.has(id)) continue;
      const n = this.network(id);
      if (n) out.push(n);
    }
    return out;
  }
}
