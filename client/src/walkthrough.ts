// The walkthrough's steps complete by what the user did, not by a click on a link: each step's
// `completionEvents` is an `onContext:` key the client sets when the thing actually happened (a
// propagation wrote its result, however it was started; a trace view opened; a network's hover
// showed). `onCommand:` would tick a step even when the command failed.
//
// VS Code's walkthrough service only reacts to a key's *change*: a key already true when the
// service starts (it starts lazily, e.g. when the walkthrough first opens) is recorded as seen
// and never ticks its step. So the step is also marked complete directly, with the workbench's
// `welcome.markStepComplete` (step id `publisher.name#walkthrough#step`); where that command
// does not exist (another editor) the context key alone remains.
import * as vscode from 'vscode';

export const WALKTHROUGH_CONTEXT = {
  /** A .ncp file was shown in an editor. */
  opened: 'ncp.walkthrough.opened',
  /** A propagation wrote its result (code lens, code action, palette or walkthrough button). */
  propagated: 'ncp.walkthrough.propagated',
  /** A propagation trace view opened. */
  traceShown: 'ncp.walkthrough.traceShown',
  /** A network's hover showed its cost and predictions. */
  hovered: 'ncp.walkthrough.hovered',
} as const;

type StepKey = (typeof WALKTHROUGH_CONTEXT)[keyof typeof WALKTHROUGH_CONTEXT];

/** The walkthrough step (package.json contributes.walkthroughs) each key completes. */
const STEP_OF: Record<StepKey, string> = {
  [WALKTHROUGH_CONTEXT.opened]: 'openExample',
  [WALKTHROUGH_CONTEXT.propagated]: 'propagate',
  [WALKTHROUGH_CONTEXT.traceShown]: 'trace',
  [WALKTHROUGH_CONTEXT.hovered]: 'hover',
};

const WALKTHROUGH_ID = 'gettingStarted';
let extensionId: string | undefined;
let log: (message: string) => void = () => undefined;
const done = new Set<string>();

/** Called once at activation: the extension's id names its walkthrough steps. */
export function initWalkthrough(id: string, logger: (message: string) => void): void {
  extensionId = id;
  log = logger;
}

/** Marks a step's event as done (once per window). */
export function walkthroughStepDone(key: StepKey): void {
  if (done.has(key)) return;
  done.add(key);
  void vscode.commands.executeCommand('setContext', key, true);
  if (extensionId) {
    const step = `${extensionId}#${WALKTHROUGH_ID}#${STEP_OF[key]}`;
    void Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', step)).catch((e: unknown) => log(`walkthrough step ${step}: ${(e as Error).message}`));
  }
}
