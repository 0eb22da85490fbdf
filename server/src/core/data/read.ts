// Where data comes from: one file of any accepted kind, the authors' `data/` folder (one
// `<setting>/trainval.pkl` per setting), or several of these merged. Only regular files within
// a size limit are read (a FIFO or device named by mistake must not hang the reader).
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { readAuthorsPickle } from './authors';
import { readBenchmarkJson } from './json';
import { readCsv, readJsonLines } from './measurements';
import { mergeDatasets } from './merge';
import { DataError, DataFileUnreadable, type Dataset } from './types';
import { FILE_LIMIT, PICKLE_LIMIT } from './values';
import { kindOf } from '../files';

export type DataKind = 'pickle' | 'json' | 'jsonl' | 'csv' | 'unknown';

/** The reader a file needs: by its extension, else by its first bytes. */
export function dataKind(file: string, bytes: Uint8Array): DataKind {
  const ext = extname(file).toLowerCase();
  if (ext === '.pkl' || ext === '.pickle') return 'pickle';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (bytes[0] === 0x80) return 'pickle';
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('utf8').trimStart();
  if (head.startsWith('{')) {
    // one object over many lines (our JSON) or one per line (JSON Lines)
    const firstLine = head.split('\n')[0].trim();
    if (!firstLine.endsWith('}')) return 'json';
    if (head.includes('\n{')) return 'jsonl';
    // one line: a single measurement row (`ncp search --out` after one query) or our JSON written compactly
    return oneRow(firstLine) ? 'jsonl' : 'json';
  }
  // CSV without its extension only when its header names the code column: anything else (a user
  // pointed a setting at /etc/passwd) is refused without echoing its bytes
  const header = head.split('\n')[0].toLowerCase().split(/[,;\t]/).map((c) => c.trim().replace(/^"|"$/g, ''));
  return header.includes('code') ? 'csv' : 'unknown';
}

/** Whether one line of JSON is a measurement row (it has `metrics`, and not our JSON's sections). */
function oneRow(line: string): boolean {
  try {
    const o = JSON.parse(line) as unknown;
    return typeof o === 'object' && o !== null && !Array.isArray(o) && ('metrics' in o || 'ok' in o) && !('networks' in o) && !('archs' in o);
  } catch {
    return false;
  }
}

/** Parses one file's bytes (already read) into a dataset; rows of one network in one file join too. */
export function parseData(file: string, bytes: Uint8Array): Dataset {
  if (dataKind(file, bytes) === 'pickle' && bytes.length > PICKLE_LIMIT) {
    throw new DataError(`${file}: ${(bytes.length / 2 ** 20).toFixed(0)} MiB is more than the ${PICKLE_LIMIT / 2 ** 20} MiB a pickle may have`, file);
  }
  try {
    return mergeDatasets([parseRows(file, bytes)]);
  } catch (e) {
    if (e instanceof DataError) throw e;
    // bad input must never end in a stack trace: whatever slipped past the checks names the file
    throw new DataError(`${file}: cannot read: ${(e as Error).message ?? String(e)}`, file);
  }
}

function parseRows(file: string, bytes: Uint8Array): Dataset {
  const kind = dataKind(file, bytes);
  if (kind === 'pickle') return readAuthorsPickle(bytes, file);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (kind === 'json') return readBenchmarkJson(text, file);
  if (kind === 'jsonl') return readJsonLines(text, file);
  if (kind === 'unknown') {
    throw new DataError(`${file} is not valid JSON, nor a pickle, JSON Lines or a CSV with a 'code' column (name it .json, .pkl, .jsonl or .csv)`, file);
  }
  return readCsv(text, file);
}

function checkFile(file: string, st: Stats): void {
  if (!st.isFile()) throw new DataError(`${file} is ${kindOf(st)}, not a regular file or a data folder`, file);
  if (st.size > FILE_LIMIT) throw new DataError(`${file}: ${(st.size / 2 ** 20).toFixed(0)} MiB is more than the ${FILE_LIMIT / 2 ** 20} MiB a data file may have`, file);
  if (st.size === 0) throw new DataError(`${file}: the file is empty`, file);
}

function statOrThrow(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataFileUnreadable(path, code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : `cannot read: ${(e as Error).message}`);
  }
}

/** The pickles of an authors'-style folder: `<setting>/trainval.pkl` (or the folder's one .pkl), by name. */
function folderFiles(dir: string, list: (d: string) => string[], isFile: (p: string) => boolean): string[] {
  const files: string[] = [];
  for (const name of list(dir).sort()) {
    const sub = join(dir, name);
    if (isFile(sub)) {
      if (/\.(pkl|pickle)$/i.test(name)) files.push(sub);
      continue;
    }
    let inner: string[];
    try {
      inner = list(sub);
    } catch {
      continue;
    }
    const pick = inner.includes('trainval.pkl') ? ['trainval.pkl'] : inner.filter((n) => /\.(pkl|pickle)$/i.test(n));
    if (pick.length === 1) files.push(join(sub, pick[0]));
  }
  if (files.length === 0) throw new DataError(`${dir}: a folder of data holds <setting>/trainval.pkl per setting (the authors' data/ folder); none found`, dir);
  return files;
}

/** Reads a file or an authors' folder. Throws DataError naming the file, row and field. */
export function loadData(path: string): Dataset {
  const st = statOrThrow(path);
  if (st.isDirectory()) {
    const files = folderFiles(path, (d) => readdirSync(d), (p) => statOrThrow(p).isFile());
    return mergeDatasets(files.map((f) => loadData(f)));
  }
  checkFile(path, st);
  return parseData(path, readFileSync(path));
}

/** Several paths as one dataset (`--data a --data b`). */
export function loadDataSources(paths: readonly string[]): Dataset {
  if (paths.length === 0) throw new DataError('no data given');
  const parts = paths.map((p) => loadData(p));
  return parts.length === 1 ? parts[0] : mergeDatasets(parts);
}

/** loadData without blocking the event loop on the reads (the language server's hover). */
export async function loadDataAsync(path: string): Promise<Dataset> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (e) {
    throw new DataError(`${path}: cannot read: ${(e as Error).message}`, path);
  }
  if (st.isDirectory()) {
    const names = new Map<string, string[]>();
    const kinds = new Map<string, boolean>();
    const walk = async (d: string) => {
      const entries = await readdir(d, { withFileTypes: true });
      names.set(d, entries.map((e) => e.name));
      for (const e of entries) kinds.set(join(d, e.name), e.isFile());
    };
    await walk(path);
    for (const [p, isFile] of [...kinds]) if (!isFile) await walk(p).catch(() => undefined);
    const files = folderFiles(path, (d) => {
      const n = names.get(d);
      if (!n) throw new Error('not a folder');
      return n;
    }, (p) => kinds.get(p) === true);
    const parts: Dataset[] = [];
    for (const f of files) parts.push(await loadDataAsync(f));
    return mergeDatasets(parts);
  }
  checkFile(path, st);
  return parseData(path, await readFile(path));
}

/** A short name of the data for messages and manifests. */
export function dataName(paths: readonly string[]): string {
  return paths.map((p) => basename(p)).join(' + ');
}
