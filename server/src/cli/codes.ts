// Network codes as CLI commands take them (`ncp flops`, `ncp predict`): arguments, `.txt` files of
// one code per line, or standard input. Each input is parsed and validated on its own, so one bad
// line is reported where it is and the others still run.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { readAll } from './command';
import { CodeFormatError, parseCode, validateCode, type CodeIssue } from '../core/space/multires';
import { FileReadError, readTextFileSync } from '../core/files';
import { isNetworkArg, readNetworkArg } from './networkArgs';
import { cannotRead } from './inputFile';

export interface CodeInput {
  /** The text as given: one argument or one line (without its trailing comment). */
  input: string;
  /** Where it came from, for messages: 'argument 2', 'stdin:14', 'codes.txt:3'. */
  where: string;
  /** The 27 integers, when the input is a valid network. */
  code?: number[];
  /** Why it is not a network (then `code` is absent). */
  error?: string;
  /** Benchmark-range issues of a valid code (severity 'range'): the network exists, predictions extrapolate. */
  warnings?: CodeIssue[];
  /** A NAS-Bench-201 cell declared in a `.ncp` file (then `code` is absent; commands without cells report it). */
  cell?: number[];
  /** The input named a file that could not be read (commands exit with status 2: inputFile.ts). */
  fileError?: boolean;
}

/** What `flops` and other multires-only commands say of a NAS-Bench-201 cell. */
export const CELL_NOT_A_NETWORK = 'a NAS-Bench-201 cell, not a multi-resolution network: cells have no FLOPs/params model here (`ncprop predict` predicts their accuracy)';

/** Parses and validates one code; never throws. */
export function parseCodeInput(text: string, where: string): CodeInput {
  const input = text.trim();
  if (input.startsWith('|') && input.includes('~')) return { input, where, error: `this is ${CELL_NOT_A_NETWORK}` };
  let code: number[];
  try {
    code = parseCode(input);
  } catch (e) {
    let error = e instanceof CodeFormatError ? e.message : `cannot read code: ${(e as Error).message}`;
    if (/^[+-]?\d+$/.test(input)) error += " (a code of 27 numbers must be one argument: quote it, e.g. '64 64 1 …')";
    return { input, where, error };
  }
  const issues = validateCode(code);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) return { input, where, error: errors.map((i) => i.message).join('; ') };
  const warnings = issues.filter((i) => i.severity === 'range');
  return warnings.length > 0 ? { input, where, code, warnings } : { input, where, code };
}

const COMMENT = /(^|\s)(#|\/\/).*$/;

/**
 * The codes in a text of one code per line: blank lines and `#` / `//` comment lines are skipped,
 * and a trailing `# …` or `// …` comment is dropped. `name` prefixes the line numbers.
 */
export function parseCodeLines(text: string, name: string): CodeInput[] {
  const out: CodeInput[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.includes('#') || line.includes('//')) line = line.replace(COMMENT, '');
    if (line.trim().length === 0) continue;
    out.push(parseCodeInput(line, `${name}:${i + 1}`));
  }
  return out;
}

export interface CodeSources {
  stdin: Readable;
  /** Directory relative file paths are resolved against. */
  cwd: string;
}

/**
 * All codes of a command line, in order: each argument is a code, `-` reads standard input and an
 * argument ending in `.txt` reads that file (one code per line). With no arguments, standard input.
 * Unreadable files become error entries, so the other inputs still run.
 */
export async function readCodeInputs(args: readonly string[], io: CodeSources): Promise<CodeInput[]> {
  if (args.length === 0) return parseCodeLines(await readAll(io.stdin), 'stdin');
  const out: CodeInput[] = [];
  let stdinRead = false;
  for (let a = 0; a < args.length; a++) {
    const arg = args[a];
    if (arg === '-') {
      if (!stdinRead) pushAll(out, parseCodeLines(await readAll(io.stdin), 'stdin'));
      stdinRead = true;
      continue;
    }
    if (arg.toLowerCase().endsWith('.txt')) {
      let text: string;
      try {
        text = readTextFileSync(resolve(io.cwd, arg));
      } catch (e) {
        if (!(e instanceof FileReadError)) throw e;
        out.push({ input: arg, where: `argument ${a + 1}`, error: cannotRead(arg, e.reason), fileError: true });
        continue;
      }
      pushAll(out, parseCodeLines(text, arg));
      continue;
    }
    if (isNetworkArg(arg)) {
      for (const n of readNetworkArg(arg, `argument ${a + 1}`, io.cwd)) {
        if (n.code !== undefined) out.push({ ...parseCodeInput(n.code.join(','), n.where), input: n.input });
        else out.push(n);
      }
      continue;
    }
    const parsed = parseCodeInput(arg, `argument ${a + 1}`);
    if (parsed.error !== undefined && isFile(resolve(io.cwd, arg))) {
      parsed.error = `${arg} is a file: codes are read from .txt files of one code per line and from .ncp files (FILE.ncp or FILE.ncp:NAME)`;
    }
    out.push(parsed);
  }
  return out;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** out.push(...items) without spreading: a file of 130,000 codes would overflow the call stack. */
export function pushAll<T>(out: T[], items: readonly T[]): void {
  for (const it of items) out.push(it);
}
