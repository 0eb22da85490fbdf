// `ncp.insertNetwork {uri, version, afterName?, name, code}`: writes a network block (27 integers)
// or a cell (6 op indices) into the document — after the declaration `afterName`, else at the end —
// only if the document is still at `version`; the edit carries that version (documentEdit.ts).
import type { WorkspaceEdit } from 'vscode-languageserver';
import { versionedEdit } from '../documents/documentEdit';
import { validateCode, CODE_LENGTH } from '../../core/space/multires';
import { validateCell } from '../../core/space/nb201';
import type { CommandHandler } from '../protocol';
import { freshName, languagePrinter } from '../propagation/propagationRequest';
import { rec } from './viewPredictions';

export const COMMAND_INSERT_NETWORK = 'ncp.insertNetwork';
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface InsertOutcome {
  applied: boolean;
  name?: string;
  reason?: string;
  edit?: WorkspaceEdit;
}

export const insertNetworkCommand: CommandHandler = {
  command: COMMAND_INSERT_NETWORK,
  async execute(args, services): Promise<InsertOutcome> {
    const a = rec(args[0]);
    const uri = String(a.uri ?? '');
    const ctx = services.contextFor(uri);
    if (!ctx) return { applied: false, reason: `no open document ${uri}` };
    if (!Number.isInteger(a.version)) return { applied: false, reason: 'version: an integer is required' };
    if (a.version !== ctx.doc.version) return { applied: false, reason: `the document changed (version ${ctx.doc.version}, not ${String(a.version)}); nothing inserted` };
    const name = typeof a.name === 'string' ? a.name : '';
    if (!NAME.test(name)) return { applied: false, reason: `name '${name.slice(0, 80)}' is not a name (letters, digits and _, at most 64)` };
    const code = a.code;
    if (!Array.isArray(code) || !code.every((v) => Number.isInteger(v))) return { applied: false, reason: 'code: a list of integers is required' };
    const space = code.length === CODE_LENGTH ? 'multires' : code.length === 6 ? 'nb201' : undefined;
    if (!space) return { applied: false, reason: `code: ${code.length} integers (a network has ${CODE_LENGTH}, a cell 6)` };
    const problem = space === 'multires' ? validateCode(code).find((e) => e.severity === 'error')?.message : validateCell(code)[0];
    if (problem) return { applied: false, reason: `code: ${problem}` };
    const after = typeof a.afterName === 'string' ? ctx.analysis.ast.declarations.find((d) => d.name === a.afterName) : undefined;
    if (typeof a.afterName === 'string' && !after) return { applied: false, reason: `no declaration '${a.afterName.slice(0, 80)}'` };
    const fresh = freshName(ctx.analysis.ast, name);
    const text = languagePrinter(space, fresh, code as number[]);
    const offset = after ? after.range.endOffset : ctx.doc.getText().length;
    const pos = ctx.doc.positionAt(offset);
    const before = ctx.doc.getText().slice(0, offset);
    const lead = after ? '\n\n' : before.length === 0 ? '' : before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
    // Pinned to the version it was computed for (documentEdit.ts); an editor that moved on rejects it.
    const edit: WorkspaceEdit = versionedEdit(uri, ctx.doc.version, [{ range: { start: pos, end: pos }, newText: `${lead}${text}${after ? '' : '\n'}` }]);
    const res = await services.connection.workspace.applyEdit({ label: `Insert ${fresh}`, edit }).catch(() => undefined);
    return res?.applied ? { applied: true, name: fresh, edit } : { applied: false, name: fresh, edit, reason: res?.failureReason ?? 'the client did not apply the edit' };
  },
};
