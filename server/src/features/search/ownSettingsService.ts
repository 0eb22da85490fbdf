// The server's side of settings of one's own: which measurements files each open document names,
// a watch on each (fs.watch on the file's folder, in the server: every editor gets it, not only
// VS Code, and a file that does not exist yet or is replaced by a rename is still seen), and the
// transfer models of those files (transferModels.ts). A change of a file re-analyses the documents
// that name it (a setting may become known) and refits its models in the worker.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { DocumentAnalysis } from '../../language/analyze';
import type { NcpDiagnostic } from '../../language/diagnostics';
import { activeCatalogue, type SettingCatalogue } from '../../core/settings';
import { ownSettingsOf } from './ownSettings';
import { TransferModels, type TransferModelsOptions } from '../predictors/transferModels';
import type { TransferStatus } from '../predictors/documentPredictorsProtocol';

/** Writers append a row at a time: changes closer than this are one. */
const DEBOUNCE_MS = 20;

export interface OwnSettingsEvents {
  /** A file that `uris` name changed: analyse them again (and publish their diagnostics). */
  fileChanged(uris: string[]): void;
  /** A transfer model of a file changed state: refresh hints, tell the client (status bar). */
  modelsChanged(uris: string[]): void;
}

export class OwnSettingsService {
  readonly transfer: TransferModels;
  /** uri → the measurements files it names. */
  private readonly docs = new Map<string, Set<string>>();
  private readonly watchers = new Map<string, { watcher?: FSWatcher; timer?: NodeJS.Timeout }>();
  /** path → when its last change was seen (the start of the clock a refit is timed by). */
  private readonly changedAt = new Map<string, number>();

  constructor(
    opts: Omit<TransferModelsOptions, 'onChange'>,
    private readonly events: OwnSettingsEvents,
    private readonly log: (m: string) => void,
  ) {
    this.transfer = new TransferModels({ ...opts, onChange: (path) => this.events.modelsChanged(this.urisOf(path)) });
  }

  /** The AnalysisCache extension: the document's catalogue and file problems; starts fits and watches. */
  extend(uri: string, a: DocumentAnalysis): { catalogue?: SettingCatalogue; diagnostics: NcpDiagnostic[] } | undefined {
    const hasSearch = a.ast.declarations.some((d) => d.kind === 'search' && d.measurements !== undefined);
    if (!hasSearch && !this.docs.has(uri)) return undefined;
    const own = ownSettingsOf(a, uri, activeCatalogue());
    const paths = new Set(own.files.map((f) => f.path));
    const before = this.docs.get(uri);
    if (paths.size > 0) this.docs.set(uri, paths);
    else this.docs.delete(uri);
    for (const p of paths) this.watchFile(p);
    for (const p of before ?? []) if (!paths.has(p)) this.release(p);
    for (const f of own.files) {
      if (f.settings.length > 0 || this.transfer.paths().includes(f.path)) this.transfer.update(f, this.changedAt.get(f.path));
      // the watch event's time starts the clock of the refit it caused, and only that one
      this.changedAt.delete(f.path);
    }
    if (!own.catalogue && own.diagnostics.length === 0) return undefined;
    return { catalogue: own.catalogue, diagnostics: own.diagnostics };
  }

  /** The transfer models of the files a document names. */
  status(uri: string): TransferStatus[] {
    return [...(this.docs.get(uri) ?? [])].flatMap((p) => this.transfer.status(p));
  }

  /** The files a document names (absolute paths). */
  files(uri: string): string[] {
    return [...(this.docs.get(uri) ?? [])];
  }

  forgetDocument(uri: string): void {
    const paths = this.docs.get(uri);
    this.docs.delete(uri);
    for (const p of paths ?? []) this.release(p);
  }

  dispose(): void {
    for (const w of this.watchers.values()) {
      w.watcher?.close();
      if (w.timer) clearTimeout(w.timer);
    }
    this.watchers.clear();
    this.transfer.dispose();
  }

  private urisOf(path: string): string[] {
    return [...this.docs].filter(([, ps]) => ps.has(path)).map(([u]) => u);
  }

  private release(path: string): void {
    if (this.urisOf(path).length > 0) return;
    const w = this.watchers.get(path);
    w?.watcher?.close();
    if (w?.timer) clearTimeout(w.timer);
    this.watchers.delete(path);
    this.changedAt.delete(path);
    this.transfer.forget(path);
  }

  private watchFile(path: string): void {
    if (this.watchers.has(path)) return;
    const entry: { watcher?: FSWatcher; timer?: NodeJS.Timeout } = {};
    this.watchers.set(path, entry);
    const name = basename(path);
    try {
      // the folder, not the file: the file may not exist yet, or be replaced by a rename
      entry.watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
        if (file !== null && file.toString() !== name) return;
        this.changedAt.set(path, Date.now());
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = setTimeout(() => {
          entry.timer = undefined;
          this.events.fileChanged(this.urisOf(path));
        }, DEBOUNCE_MS);
      });
      entry.watcher.on('error', (e) => this.log(`watching ${path} stopped: ${e.message}`));
    } catch (e) {
      // no watch (a folder that does not exist): the file is read again with each analysis
      this.log(`cannot watch ${path}: ${(e as Error).message}`);
    }
  }
}
