// Settings that name files or code to load (package.json capabilities.untrustedWorkspaces
// .restrictedConfigurations). In Restricted Mode their workspace values must not reach the server:
// VS Code already leaves them out of getConfiguration, and the client applies the same rule itself
// when it answers the server's workspace/configuration, so the server never sees them either way.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const RESTRICTED = ['benchmark.path', 'predictor.modelsPath', 'predictor.backend'] as const;
type Restricted = (typeof RESTRICTED)[number];

/** A restricted setting's value as the current trust allows: user (global) value or default when untrusted. */
export function trustedValue<T>(key: Restricted): T | undefined {
  const cfg = vscode.workspace.getConfiguration('ncp');
  if (vscode.workspace.isTrusted) return cfg.get<T>(key);
  const i = cfg.inspect<T>(key);
  return i?.globalValue ?? i?.defaultValue;
}

/** The `ncp` section with every restricted value replaced by its trusted value (for the server). */
export function trustedSection(section: unknown): unknown {
  if (section === null || typeof section !== 'object' || Array.isArray(section)) return section;
  const copy = JSON.parse(JSON.stringify(section)) as Record<string, Record<string, unknown>>;
  for (const key of RESTRICTED) {
    const [group, leaf] = key.split('.') as [string, string];
    const g = copy[group] ?? (copy[group] = {});
    if (typeof g === 'object' && g !== null) g[leaf] = trustedValue(key);
  }
  return copy;
}

export function workspaceRoot(): string | undefined {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.uri.scheme === 'file');
  return f?.uri.fsPath;
}

/** `ncp.predictor.modelsPath` as an absolute folder, or undefined for the shipped set. */
export function modelsDir(): string | undefined {
  const raw = trustedValue<string>('predictor.modelsPath');
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const p = raw.trim().replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
  if (path.isAbsolute(p)) return p;
  const root = workspaceRoot();
  return root ? path.join(root, p) : undefined;
}
