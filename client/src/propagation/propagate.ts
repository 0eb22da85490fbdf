// Editor commands that run propagations on the server (its commands ncp.propagateNetwork,
// ncp.fitBudget and ncp.runPropagation: server/src/features/propagation/propagationRun.ts), and the client
// side of those server commands wherever they come from (code action, code lens, palette):
// fit-a-budget asks for a budget when none is given or set, and every finished run says what it
// wrote and offers its trace.
import * as vscode from 'vscode';
import { parseBudget } from './budgetInput';
import { pickDeclaration } from './declarations';
import { outcomeMessage } from './runOutcome';
import { WALKTHROUGH_CONTEXT, walkthroughStepDone } from '../walkthrough';

export const SERVER_PROPAGATE = 'ncp.propagateNetwork';
export const SERVER_FIT_BUDGET = 'ncp.fitBudget';
export const SERVER_RUN_BLOCK = 'ncp.runPropagation';

/** The smallest budget the server says can be met (ncp/budgetLimits), set by the extension. */
let budgetMinimum: () => Promise<number | undefined> = async () => undefined;

export function useBudgetMinimum(get: () => Promise<number | undefined>): void {
  budgetMinimum = get;
}

/** Asks for a FLOPs budget (G); undefined when the user cancels. Refuses budgets below the smallest network's FLOPs. */
export async function askBudget(network: string, initial?: number): Promise<number | undefined> {
  const minimum = await budgetMinimum().catch(() => undefined);
  const text = await vscode.window.showInputBox({
    value: initial === undefined ? '' : String(initial),
    title: `NCP: fit '${network}' into a FLOPs budget`,
    prompt: 'Budget in G multiply-accumulates (the result respects it exactly). Set ncp.propagation.defaultBudget to skip this question.',
    placeHolder: 'e.g. 2.5',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = parseBudget(v, minimum);
      return r.ok ? undefined : r.message;
    },
  });
  if (text === undefined) return undefined;
  const r = parseBudget(text, minimum);
  return r.ok ? r.value : undefined;
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

async function report(outcome: unknown, uri: string): Promise<void> {
  const m = outcomeMessage(outcome);
  if (!m) return;
  if (m.kind === 'warning') {
    void vscode.window.showWarningMessage(m.text);
    return;
  }
  const choice = await vscode.window.showInformationMessage(m.text, 'Show Trace');
  if (choice === 'Show Trace' && m.traceKey) await vscode.commands.executeCommand('ncp.showTrace', { uri, name: m.name, key: m.traceKey });
}

/**
 * Middleware for the server's propagation commands. `next` sends the command to the server.
 * Returns the server's outcome unchanged.
 */
export async function interceptRunCommand(command: string, args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<unknown> {
  const a = rec(args[0]);
  if (command === SERVER_FIT_BUDGET && typeof a.budget !== 'number') {
    const setting = vscode.workspace.getConfiguration('ncp').get<number | null>('propagation.defaultBudget');
    if (typeof setting !== 'number' || !(setting > 0)) {
      const budget = await askBudget(String(a.network ?? 'the network'));
      if (budget === undefined) return { applied: false, reason: 'cancelled' };
      args = [{ ...a, budget }, ...args.slice(1)];
    }
  }
  const outcome = await next(command, args);
  if (outcomeMessage(outcome)?.kind === 'written') walkthroughStepDone(WALKTHROUGH_CONTEXT.propagated);
  void report(outcome, String(a.uri ?? ''));
  return outcome;
}

/** Palette / context-menu / title-bar commands on the declaration under the cursor. */
export function registerRunCommands(): vscode.Disposable[] {
  const propagateTo = (task: string) => async () => {
    const t = await pickDeclaration('network', `propagate to ${task}`);
    if (t) return vscode.commands.executeCommand(SERVER_PROPAGATE, { uri: t.editor.document.uri.toString(), network: t.name, to: task });
  };
  return [
    vscode.commands.registerCommand('ncp.propagateToSegmentation', propagateTo('segmentation')),
    vscode.commands.registerCommand('ncp.propagateToClassification', propagateTo('classification')),
    vscode.commands.registerCommand('ncp.propagateToVideo', propagateTo('video')),
    vscode.commands.registerCommand('ncp.fitBudgetAtCursor', async (budget?: unknown) => {
      const t = await pickDeclaration('network', 'fit into a FLOPs budget');
      if (!t) return;
      const arg = { uri: t.editor.document.uri.toString(), network: t.name, ...(typeof budget === 'number' ? { budget } : {}) };
      // Asked here even when a default is set (offered as the answer): the title promises a prompt ("…").
      if (arg.budget === undefined) {
        const d = vscode.workspace.getConfiguration('ncp').get<number | null>('propagation.defaultBudget');
        const asked = await askBudget(t.name, typeof d === 'number' && d > 0 ? d : undefined);
        if (asked === undefined) return;
        return vscode.commands.executeCommand(SERVER_FIT_BUDGET, { ...arg, budget: asked });
      }
      return vscode.commands.executeCommand(SERVER_FIT_BUDGET, arg);
    }),
    vscode.commands.registerCommand('ncp.runPropagationAtCursor', async () => {
      const t = await pickDeclaration('propagate', 'run');
      if (t) return vscode.commands.executeCommand(SERVER_RUN_BLOCK, { uri: t.editor.document.uri.toString(), name: t.name });
    }),
  ];
}
