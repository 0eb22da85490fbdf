// The walkthrough's steps complete by what the user did, not by a click on a link: each step's
// `completionEvents` is an `onContext:` key the client sets when the thing actually happened (a
// propagation wrote its result, however it was started; a trace view opened; a network's hover
// showed). `onCommand:` would tick a step even when the command failed.
import * as vscode from 'vscode';

export const WALKTHROUGH_CONTEXT = {
  /** A propagation wrote its result (code lens, code action, palette or walkthrough button). */
  propagated: 'ncp.walkthrough.propagated',
  /** A propagation trace view opened. */
  traceShown: 'ncp.walkthrough.traceShown',
  /** A network's hover showed its cost and predictions. */
  hovered: 'ncp.walkthrough.hovered',
} as const;

const done = new Set<string>();

/** Marks a step's event as done (once per window). */
export function walkthroughStepDone(key: (typeof WALKTHROUGH_CONTEXT)[keyof typeof WALKTHROUGH_CONTEXT]): void {
  if (done.has(key)) return;
  done.add(key);
  void vscode.commands.executeCommand('setContext', key, true);
}
