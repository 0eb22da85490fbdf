// A `.ncp` file as the CLI runs it (`ncprop run`, `ncprop propagate FILE.ncp`): read through the
// bounded reader (a missing file: inputFile.ts's message and status), analysed as the editor does,
// and the one rule the CLI adds to the checker's: a budget without a unit (`missing-unit`, a
// warning in the editor, which offers the quick fix) stops the block — the CLI never guesses a unit.
import { analyzeText, type DocumentAnalysis } from '../language/analyze';
import type { Declaration } from '../language/ast';
import type { CliIO } from './command';
import { readSourceFile } from './sourceFile';
import { unreadableFile } from './inputFile';

/** The text and analysis of a `.ncp` file named on the command line (InputFileError when it cannot be read). */
export async function readNcpDocument(file: string, io: Pick<CliIO, 'stdin' | 'cwd'>): Promise<{ text: string; analysis: DocumentAnalysis }> {
  const read = await readSourceFile(file, io);
  if ('why' in read) throw unreadableFile(file, read.why);
  return { text: read.text, analysis: analyzeText(read.text, { fastPath: false }) };
}

/** Why a block cannot run from the command line although the editor would: a budget without a unit. */
export function unitProblem(analysis: DocumentAnalysis, decl: Declaration): { line: number; column: number; message: string } | undefined {
  const d = analysis.diagnostics.find((x) => x.code === 'missing-unit' && x.range.startOffset >= decl.range.startOffset && x.range.endOffset <= decl.range.endOffset);
  if (!d) return undefined;
  return { line: d.range.start.line + 1, column: d.range.start.character + 1, message: `${d.message.replace(/ \(`ncprop run` refuses a budget without a unit\)$/, '')}: the command line does not guess a unit` };
}
