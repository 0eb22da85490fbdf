// `ncprop latency`: inference time of a network on this machine (ONNX Runtime, CPU), from its
// code, or as a measuring command of `ncprop search --measure` (network JSON on stdin, metrics
// JSON on stdout).
import { CLI_NAME, UsageError, readAll, writeLine, type Command } from './command';
import { parseOptions } from './contract';
import { intOption } from './options';
import { TARGET_OPTIONS, targetHelp, targetOption } from './targetOption';
import { networkArgument } from './export';
import type { CostOptions } from '../core/cost';
import { onnxModel } from '../core/export/onnx';
import { ExportError, describeTarget, exactCost, resolveTarget } from '../core/export/target';
import { LATENCY_LIMITS, LatencyError, measureLatency, type Latency } from '../core/export/latency';
import { CODE_LENGTH, codeToString } from '../core/space/multires';

const help = `Usage: ${CLI_NAME} latency CODE | FILE.ncp [NAME] [--input HxW] [--threads N] [--runs R] [options]
       ${CLI_NAME} latency [options] < network.json        (a measuring command)

Inference time of a network on this machine: the network as ONNX (what \`${CLI_NAME} export\`
writes, random weights), run by ONNX Runtime's CPU provider on a batch of one at the
input size; W untimed warm-up runs, then R timed ones. Prints the median, the quartiles and
the spread (interquartile range / median) in milliseconds.

As a measuring command of \`${CLI_NAME} search\`: with no CODE it reads the network JSON the
search writes on standard input ({"code":[…], "input":[H,W], "head":…}; the flags override
what it says) and prints one metrics line, {"cpu": {"ms": MEDIAN, "spread": S}}, so that a
search minimises latency measured here with the objective -1*cpu.ms (a negative weight;
docs/export.md: the search's command line, and bounding latency with a trained predictor).

Options:
${targetHelp}
  --threads N       ONNX Runtime intra-op threads (default 1; 1–${LATENCY_LIMITS.threads})
  --runs R          timed runs (default 20; 1–${LATENCY_LIMITS.runs})
  --warmup W        untimed runs first (default 3; 0–${LATENCY_LIMITS.warmup})
  --json            one JSON object: {"code", "string", "input", "head", "classes", "ms", "q1",
                    "q3", "min", "max", "spread", "runs", "warmup", "threads", "flops" (G
                    multiply-accumulates), "params" (M)} (docs/cli-schemas/latency.schema.json)
  -h, --help        this text

Progress (runs done) goes to stderr once a second. Exit status: 0 measured, 1 the network
cannot be built or run, 2 bad options.`;

/** The network and target a measuring command is given on stdin. */
function networkFromJson(text: string): { code: number[]; target: CostOptions } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ExportError(`standard input is not a network JSON object: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null) throw new ExportError('standard input is not a network JSON object');
  const o = v as { space?: unknown; code?: unknown; input?: unknown; head?: unknown; classes?: unknown };
  if (o.space !== undefined && o.space !== 'multires') throw new ExportError(`latency measures multi-resolution networks; the network JSON is of the ${String(o.space)} space`);
  if (!Array.isArray(o.code) || o.code.length !== CODE_LENGTH || !o.code.every((x) => typeof x === 'number')) {
    throw new ExportError(`the network JSON's "code" must be ${CODE_LENGTH} integers`);
  }
  const target: CostOptions = {};
  if (o.input !== undefined) {
    if (!Array.isArray(o.input) || o.input.length !== 2 || !o.input.every((x) => Number.isInteger(x))) throw new ExportError('the network JSON\'s "input" must be [height, width]');
    target.input = [o.input[0] as number, o.input[1] as number];
  }
  if (o.head !== undefined) {
    if (o.head !== 'cls' && o.head !== 'seg') throw new ExportError(`the network JSON's "head" must be "cls" or "seg", got ${JSON.stringify(o.head)}`);
    target.head = o.head;
  }
  if (o.classes !== undefined) {
    if (!Number.isInteger(o.classes)) throw new ExportError('the network JSON\'s "classes" must be an integer');
    target.classes = o.classes as number;
  }
  return { code: o.code as number[], target };
}

export const latencyCommand: Command = {
  name: 'latency',
  summary: 'inference time of a network on this machine (ONNX Runtime, CPU)',
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('latency', {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...TARGET_OPTIONS,
        threads: { type: 'string' },
        runs: { type: 'string' },
        warmup: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }, io);
    const flags = targetOption(values);
    const threads = intOption(values.threads, '--threads', 1, LATENCY_LIMITS.threads) ?? 1;
    const runs = intOption(values.runs, '--runs', 1, LATENCY_LIMITS.runs) ?? 20;
    const warmup = intOption(values.warmup, '--warmup', 0, LATENCY_LIMITS.warmup) ?? 3;
    const measuring = positionals.length === 0;
    if (measuring && (io.stdin as { isTTY?: boolean }).isTTY) throw new UsageError('give a network (CODE, or FILE.ncp [NAME]), or pipe a network JSON object on standard input');
    try {
      let code: number[];
      let label: string;
      let costAt: CostOptions;
      if (measuring) {
        const n = networkFromJson(await readAll(io.stdin));
        code = n.code;
        label = codeToString(code);
        costAt = { ...n.target, ...flags };
      } else {
        ({ code, label } = await networkArgument(positionals, io));
        costAt = flags;
      }
      const target = resolveTarget(costAt);
      const model = onnxModel(code, target);
      let last = Date.now();
      const l: Latency = await measureLatency(model.bytes, target.input, {
        threads,
        runs,
        warmup,
        onRun(done, total) {
          if (Date.now() - last >= 1000) {
            writeLine(io.stderr, `${CLI_NAME} latency: ${done}/${total} runs`);
            last = Date.now();
          }
        },
      });
      const c = exactCost(code, target);
      const r3 = (v: number) => Math.round(v * 1000) / 1000;
      if (measuring) {
        writeLine(io.stdout, JSON.stringify({ cpu: { ms: r3(l.ms), spread: r3(l.spread) } }));
      } else if (values.json) {
        writeLine(io.stdout, JSON.stringify({
          code, string: codeToString(code), input: target.input, head: target.head, classes: target.classes,
          ms: r3(l.ms), q1: r3(l.q1), q3: r3(l.q3), min: r3(l.min), max: r3(l.max), spread: r3(l.spread),
          runs: l.runs, warmup: l.warmup, threads: l.threads,
          // the contract's units and precision: G multiply-accumulates to 9 decimals, M params to 6
          flops: Math.round(c.macs) / 1e9, params: Math.round(c.params) / 1e6,
        }));
      } else {
        writeLine(io.stdout, `${label}`);
        writeLine(io.stdout, `  ${describeTarget(target)}; ${(c.macs * 1e-9).toFixed(4)} G multiply-accumulates, ${(c.params * 1e-6).toFixed(4)} M parameters`);
        writeLine(io.stdout, `  ONNX Runtime (CPU, ${threads} thread${threads > 1 ? 's' : ''}, batch 1): median ${l.ms.toFixed(2)} ms, quartiles ${l.q1.toFixed(2)}–${l.q3.toFixed(2)} ms, min ${l.min.toFixed(2)}, max ${l.max.toFixed(2)} ms; spread ${(100 * l.spread).toFixed(1)}% (${l.runs} runs after ${l.warmup} warm-up)`);
      }
      return 0;
    } catch (e) {
      if (e instanceof ExportError || e instanceof LatencyError) {
        writeLine(io.stderr, `${CLI_NAME} latency: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};
