// `ncprop export`: a network as a runnable PyTorch file, an ONNX model, or the authors'
// MultiResolutionNet arguments, at the input size and head it will be trained at.
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { CLI_NAME, UsageError, writeLine, type CliIO, type Command } from './command';
import { parseOptions } from './contract';
import { choiceOption } from './options';
import { TARGET_OPTIONS, targetHelp, targetOption } from './targetOption';
import { readSourceFile } from './sourceFile';
import { CodeFormatError, codeToString, parseCode } from '../core/space/multires';
import { analyzeText } from '../language/analyze';
import { exportNetwork, EXPORT_FORMATS, formatForPath, type ExportFormat } from '../core/export/exportNetwork';
import { ExportError, resolveTarget, describeTarget } from '../core/export/target';

const help = `Usage: ${CLI_NAME} export CODE --format pytorch|onnx|authors [--out FILE] [options]
       ${CLI_NAME} export FILE.ncp [NAME] --format … [--out FILE] [options]

Writes a network so that it can be trained or run:
  pytorch   one Python file that needs only torch: the network as an nn.Module
            (classification or segmentation head), build() returning it as exported,
            its code and exact cost (at --input, --head, --classes) in the header
  onnx      an ONNX model (opset 18; random weights) for ONNX Runtime and Netron, with a
            symbolic batch dimension and the input size fixed at --input
  authors   the arguments of the authors' MultiResolutionNet (dingmyu/NCP
            models/supernet.py): input_channel, network_setting, last_channel, plus
            num_classes and task, as JSON
The network is a CODE (the benchmark string or 27 integers), or a network of a .ncp file:
NAME, or the file's only network.

Options:
  --format F        pytorch, onnx or authors (default: from --out's extension:
                    .py, .onnx, .json)
  --out FILE        where to write ('-' or absent: standard output; onnx needs a file
                    unless standard output is not a terminal)
${targetHelp}
  -h, --help        this text

The exported networks are the benchmark's layer for layer: their parameters and
multiply-accumulates, counted in PyTorch with forward hooks, equal \`${CLI_NAME} flops\` at
the same --input/--head/--classes (docs/export.md).

Exit status: 0 written, 1 the network cannot be exported (not a network, too large,
unreadable file), 2 bad options.

Examples:
  ${CLI_NAME} export 32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128 --out net.py
  ${CLI_NAME} export examples/propagate-to-seg.ncp cls_net --head seg --input 512x1024 --out seg.onnx
  ${CLI_NAME} export "[32, 32, 1, 2, 32, 2, 2, 2, 32, 64, 3, 2, 2, 2, 32, 64, 96, 1, 2, 2, 2, 2, 32, 64, 96, 128, 128]" --format authors`;

/** The network the positionals name: a code, or FILE.ncp [NAME]. */
export async function networkArgument(positionals: string[], io: Pick<CliIO, 'stdin' | 'cwd'>): Promise<{ code: number[]; label: string }> {
  if (positionals.length === 0) throw new UsageError('give a network: a CODE, or FILE.ncp [NAME]');
  const first = positionals[0];
  if (first.endsWith('.ncp') || positionals.length === 2) {
    if (positionals.length > 2) throw new UsageError(`give FILE.ncp and at most one NAME, got ${positionals.length} arguments`);
    const read = await readSourceFile(first, io);
    if ('why' in read) throw new ExportError(`cannot read ${first}: ${read.why}`);
    const analysis = analyzeText(read.text);
    const networks = analysis.ast.declarations.filter((d) => d.kind === 'network');
    const names = networks.map((d) => d.name).filter((n) => n.length > 0);
    const want = positionals[1];
    const chosen = want === undefined ? networks : networks.filter((d) => d.name === want);
    if (chosen.length === 0) {
      throw new ExportError(want === undefined ? `${first} has no network` : `${first} has no network '${want}'${names.length ? ` (networks: ${names.join(', ')})` : ''}`);
    }
    if (chosen.length > 1) throw new UsageError(`${first} has ${chosen.length} networks (${names.join(', ')}): name one`);
    const d = chosen[0];
    if (d.kind !== 'network' || d.code === undefined) {
      const line = d.range.start.line + 1;
      const problem = analysis.diagnostics.find((x) => x.severity === 'error' && x.range.start.line >= d.range.start.line && x.range.end.line <= d.range.end.line);
      throw new ExportError(`${first}:${line}: network '${d.name}' is not a valid network${problem ? `: ${problem.message}` : ''}`);
    }
    return { code: d.code, label: `${first}: ${d.name}` };
  }
  if (positionals.length > 1) throw new UsageError('give one CODE (quote a list of 27 integers)');
  try {
    return { code: parseCode(first), label: codeToString(parseCode(first)) };
  } catch (e) {
    if (e instanceof CodeFormatError) throw new UsageError(`not a network code or .ncp file: ${e.message}`);
    throw e;
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a network as PyTorch, ONNX or the authors\' arguments',
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('export', {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        ...TARGET_OPTIONS,
        help: { type: 'boolean', short: 'h' },
      },
    }, io);
    const opts = targetOption(values);
    const out = values.out === '-' ? undefined : values.out;
    let format: ExportFormat | undefined = choiceOption(values.format, '--format', EXPORT_FORMATS);
    if (format === undefined && out !== undefined) format = formatForPath(out);
    if (format === undefined) {
      throw new UsageError(`--format is required${out !== undefined ? ` (${extname(out) || 'no extension'} does not name one: .py, .onnx or .json)` : ''}: pytorch, onnx or authors`);
    }
    if (format === 'onnx' && out === undefined && (io.stdout as { isTTY?: boolean }).isTTY) {
      throw new UsageError('--format onnx writes a binary file: give --out FILE.onnx (or redirect standard output)');
    }
    try {
      const target = resolveTarget(opts);
      const { code, label } = await networkArgument(positionals, io);
      const t0 = performance.now();
      const e = exportNetwork(code, format, target);
      if (out === undefined) io.stdout.write(e.data);
      else {
        try {
          writeFileSync(resolve(io.cwd, out), e.data);
        } catch (err) {
          throw new ExportError(`cannot write ${out}: ${(err as Error).message}`);
        }
      }
      const ms = performance.now() - t0;
      writeLine(io.stderr, `${CLI_NAME} export: ${label} as ${format}${out === undefined ? '' : ` to ${out}`} (${describeTarget(target)}: ${e.cost.macs.toLocaleString('en-US')} multiply-accumulates, ${e.cost.params.toLocaleString('en-US')} parameters; ${Math.round(ms)} ms)`);
      return 0;
    } catch (err) {
      if (err instanceof ExportError) {
        writeLine(io.stderr, `${CLI_NAME} export: ${err.message}`);
        return 1;
      }
      throw err;
    }
  },
};
