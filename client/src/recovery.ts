// Crash recovery: when the server process dies the client starts a new one and says so; after
// too many deaths in a short time it stops and offers a manual restart instead of looping.
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, type ErrorHandler } from 'vscode-languageclient/node';

const WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS = 4;

export class RestartingErrorHandler implements ErrorHandler {
  private readonly deaths: number[] = [];

  constructor(private readonly log: (m: string) => void) {}

  error(error: Error, _message: unknown, count: number | undefined): { action: ErrorAction; handled: boolean } {
    this.log(`connection error (${count ?? 1}): ${error.message}`);
    // A few faulty messages are survivable; a stream that keeps failing is a dead server.
    return { action: (count ?? 1) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  closed(): { action: CloseAction; handled: boolean } {
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths.length > 0 && now - this.deaths[0]! > WINDOW_MS) this.deaths.shift();
    if (this.deaths.length > MAX_RESTARTS) {
      this.log(`the server stopped ${this.deaths.length} times in 3 minutes; not restarting it`);
      void vscode.window
        .showErrorMessage(`NCP: the language server stopped ${this.deaths.length} times in 3 minutes and was not restarted. See its log for the cause.`, 'Restart', 'Show Log')
        .then((c) => {
          if (c === 'Restart') void vscode.commands.executeCommand('ncp.restartServer');
          if (c === 'Show Log') void vscode.commands.executeCommand('ncp.showServerLog');
        });
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.log('the server stopped unexpectedly; restarting it');
    void vscode.window.showWarningMessage('NCP: the language server stopped unexpectedly and was restarted.', 'Show Log').then((c) => {
      if (c === 'Show Log') void vscode.commands.executeCommand('ncp.showServerLog');
    });
    return { action: CloseAction.Restart, handled: true };
  }

  /** A manual restart starts a fresh count. */
  reset(): void {
    this.deaths.length = 0;
  }
}
