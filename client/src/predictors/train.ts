// "NCP: Train Predictors from a Benchmark File…": pick a benchmark file and a folder, train with
// the bundled CLI in a child process (progress notification, Cancel kills it), then point
// ncp.predictor.modelsPath at the folder so the editor uses the new set at once.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startTraining } from './trainProcess';
import { workspaceRoot } from '../trustedSettings';

export function registerTrainCommand(context: vscode.ExtensionContext, log: (m: string) => void): vscode.Disposable {
  return vscode.commands.registerCommand('ncp.trainPredictors', async (dataArg?: unknown, outArg?: unknown) => {
    const root = workspaceRoot();
    let data = typeof dataArg === 'string' ? dataArg : undefined;
    if (!data) {
      const picked = await vscode.window.showOpenDialog({
        title: 'NCP: benchmark file to train predictors on',
        openLabel: 'Train on this file',
        canSelectMany: false,
        filters: { 'Benchmark files': ['json', 'jsonl', 'csv', 'pkl', 'pickle'], 'All files': ['*'] },
        defaultUri: root ? vscode.Uri.file(root) : undefined,
      });
      if (!picked?.[0]) return;
      data = picked[0].fsPath;
    }
    let out = typeof outArg === 'string' ? outArg : undefined;
    if (!out) {
      const suggestion = path.join('.ncp', 'predictors', path.basename(data).replace(/\.[^.]+$/, ''));
      const typed = await vscode.window.showInputBox({
        title: 'NCP: folder for the trained predictors',
        prompt: root ? 'Relative to the workspace folder; its predictors are replaced.' : 'An absolute path; its predictors are replaced.',
        value: root ? suggestion : '',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? 'Type a folder' : !root && !path.isAbsolute(v.trim()) ? 'With no folder open, type an absolute path' : undefined),
      });
      if (!typed) return;
      out = typed.trim();
    }
    const outAbs = path.isAbsolute(out) ? out : path.join(root ?? '', out);
    const cli = context.asAbsolutePath(path.join('dist', 'cli.js'));
    log(`training predictors: ${cli} train --data ${data} --out ${outAbs}`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `NCP: training predictors on ${path.basename(data)}`, cancellable: true },
      async (progress, token) => {
        let last = 0;
        let latest = 'starting…';
        const started = Date.now();
        const say = () => {
          const secs = Math.round((Date.now() - started) / 1000);
          progress.report({ message: `${latest} · ${Math.floor(secs / 60)}m${String(secs % 60).padStart(2, '0')}s` });
        };
        // The CLI prints a line every 10% when not on a terminal: the elapsed time shows it is alive in between.
        const tick = setInterval(say, 1000);
        const run = startTraining({
          cli,
          data: data!,
          out: outAbs,
          onProgress: (p) => {
            // withProgress takes increments; a new phase (teacher, then training) restarts at 0.
            const inc = p.percent >= last ? p.percent - last : p.percent;
            last = p.percent;
            latest = `${p.percent}% ${p.message}`;
            progress.report({ increment: inc });
            say();
          },
        });
        void run.done.finally(() => clearInterval(tick));
        token.onCancellationRequested(() => run.cancel());
        return run.done;
      },
    );
    if (!result.ok) {
      if (result.cancelled) void vscode.window.showInformationMessage('NCP: training cancelled; the predictors in use are unchanged.');
      else void vscode.window.showErrorMessage(`NCP: training failed: ${result.message}`);
      log(`training ended: ${result.ok ? 'ok' : result.message}`);
      return;
    }
    // A path inside the workspace is stored relative, so the setting travels with the folder.
    const rel = root && !path.relative(root, outAbs).startsWith('..') ? path.relative(root, outAbs) : outAbs;
    const target = root ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('ncp').update('predictor.modelsPath', rel, target);
    if (root && !vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(`NCP: trained predictors saved to ${rel}. This folder is in Restricted Mode, which ignores its ncp.predictor.modelsPath: trust the folder to use them.`);
    } else {
      void vscode.window.showInformationMessage(`NCP: trained predictors saved to ${rel}; the editor uses them now.`);
    }
  });
}
