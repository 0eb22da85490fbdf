// Networks given as `.ncp` files or in the structured form, for every command that takes networks
// (`flops`, `predict`, and through codes.ts whatever reads codes): `model.ncp` stands for every
// network (and cell) declared in it, `model.ncp:NAME` for one of them; an argument holding a
// declaration (`network n { stem 64 64 … }`) or its body (`stem 64 64 stage 1 …`) is read as the
// editor reads it. A file that cannot be read is a `fileError` (the same message and exit status
// in every command: inputFile.ts).
import { resolve } from 'node:path';
import { analyzeText } from '../language/analyze';
import type { CellDecl, NetworkDecl } from '../language/ast';
import { closest, didYouMean } from '../language/suggest';
import { readTextFileSync, FileReadError } from '../core/files';
import { cannotRead } from './inputFile';

/** One network taken from a `.ncp` file or a structured declaration. */
export interface NetworkArg {
  input: string;
  where: string;
  code?: number[];
  /** A NAS-Bench-201 cell (op index per edge). */
  cell?: number[];
  error?: string;
  /** The argument named a file that could not be read (exit status 2, inputFile.ts). */
  fileError?: boolean;
}

/** Largest `.ncp` file read for its networks (the 100,000-network benchmark document is 12 MB). */
const MAX_NCP_BYTES = 64 * 2 ** 20;

const NCP_FILE = /^(.*\.ncp)(?::([A-Za-z_][\w-]*))?$/i;

/** Whether an argument is a `.ncp` file (optionally `:NAME`) or a structured network: this module reads it. */
export function isNetworkArg(arg: string): boolean {
  return NCP_FILE.test(arg.trim()) || isStructured(arg);
}

function isStructured(arg: string): boolean {
  const t = arg.trim();
  return /^network\s/.test(t) || /^stem\s/.test(t);
}

function fromDecl(d: NetworkDecl | CellDecl, where: string, errors: string[]): NetworkArg {
  const input = d.name;
  if (d.kind === 'network') {
    if (d.code) return { input, where, code: d.code };
    return { input, where, error: `network '${d.name}' has errors${errors.length > 0 ? `: ${errors.join('; ')}` : ''} (\`ncprop check\` lists them)` };
  }
  if (d.cell) return { input, where, cell: d.cell };
  return { input, where, error: `cell '${d.name}' has errors${errors.length > 0 ? `: ${errors.join('; ')}` : ''}` };
}

/** The networks an argument stands for (never throws). */
export function readNetworkArg(arg: string, where: string, cwd: string): NetworkArg[] {
  const t = arg.trim();
  if (isStructured(t)) {
    const text = t.startsWith('network') ? t : `network given { ${t} }`;
    const a = analyzeText(text);
    const decls = a.ast.declarations.filter((d): d is NetworkDecl => d.kind === 'network');
    const errors = a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    if (decls.length !== 1) return [{ input: t, where, error: `expected one network declaration${errors.length > 0 ? `: ${errors[0]}` : ''}` }];
    return [{ ...fromDecl(decls[0], where, errors), input: t }];
  }
  const m = NCP_FILE.exec(t)!;
  const [, file, name] = m;
  let text: string;
  try {
    text = readTextFileSync(resolve(cwd, file), MAX_NCP_BYTES);
  } catch (e) {
    if (e instanceof FileReadError) return [{ input: t, where, error: cannotRead(file, e.reason), fileError: true }];
    throw e;
  }
  const a = analyzeText(text);
  const decls = a.ast.declarations.filter((d): d is NetworkDecl | CellDecl => (d.kind === 'network' || d.kind === 'cell') && d.name !== '');
  const errorsOf = (d: NetworkDecl | CellDecl) =>
    a.diagnostics.filter((x) => x.severity === 'error' && x.range.startOffset >= d.range.startOffset && x.range.endOffset <= d.range.endOffset).map((x) => `line ${x.range.start.line + 1}: ${x.message}`);
  const at = (d: NetworkDecl | CellDecl) => `${file}:${d.range.start.line + 1}`;
  if (name !== undefined) {
    const d = decls.find((x) => x.name === name);
    if (!d) {
      const names = decls.map((x) => x.name);
      return [{ input: t, where, error: `${file} has no network or cell '${name}'${didYouMean(closest(name, names, 3))}${names.length > 0 ? ` (it has: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''})` : ''}` }];
    }
    return [fromDecl(d, at(d), errorsOf(d))];
  }
  if (decls.length === 0) return [{ input: t, where, error: `${file} declares no network or cell` }];
  return decls.map((d) => fromDecl(d, at(d), errorsOf(d)));
}
