// `ncprop export --format onnx`: the network as an ONNX model (opset 18), written from TypeScript
// with protobufjs, loadable by ONNX Runtime and Netron. The graph is the PyTorch export's module
// node for node (pytorch.ts): Conv (no bias) → BatchNormalization → Relu for every ConvBNReLU,
// nearest Resize for the fusion's upsampling, linear Resize (half_pixel, PyTorch's
// align_corners=False) where sizes differ, GlobalAveragePool and a biased 1×1 Conv classifier.
// Initializers carry the PyTorch module's state_dict names (stem.0.0.weight, …), so the weights can
// be moved between the two; they are random (Kaiming normal, seeded), as the PyTorch module's
// initialisation: the file is for running, timing and inspecting the network, not a trained model.
import { makeRng } from '../random';
import { codeToNetwork, codeToString } from '../space/multires';
import { ATTR, modelProtoType, ONNX_FLOAT, ONNX_INT64 } from './onnxSchema';
import { checkExportable, describeTarget, type ExactCost, type ExportTarget } from './target';

export const ONNX_OPSET = 18;
/** IR version 8 is the one opset 18 comes with. */
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT = 'image';
export const ONNX_OUTPUT = 'logits';

interface Value {
  name: string;
  c: number;
  h: number;
  w: number;
}

interface Attribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: Uint8Array;
  ints?: number[];
}

interface Node {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}

interface Initializer {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  int64_data?: number[];
}

const intAttr = (name: string, i: number): Attribute => ({ name, type: ATTR.INT, i });
const intsAttr = (name: string, ints: number[]): Attribute => ({ name, type: ATTR.INTS, ints });
const floatAttr = (name: string, f: number): Attribute => ({ name, type: ATTR.FLOAT, f });
const stringAttr = (name: string, s: string): Attribute => ({ name, type: ATTR.STRING, s: new TextEncoder().encode(s) });

/** Quantiles of the standard normal at (i + ½)/4096 (Box–Muller would cost two logs and a cosine a weight). */
const NORMAL_TABLE: Float64Array = (() => {
  const n = 4096;
  const t = new Float64Array(n);
  // inverse normal CDF by bisection on erf's series-free approximation (Abramowitz–Stegun 7.1.26)
  const cdf = (x: number): number => {
    const z = Math.abs(x) / Math.SQRT2;
    const k = 1 / (1 + 0.3275911 * z);
    const erf = 1 - ((((1.061405429 * k - 1.453152027) * k + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.exp(-z * z);
    return 0.5 * (1 + (x < 0 ? -erf : erf));
  };
  for (let i = 0; i < n; i++) {
    const p = (i + 0.5) / n;
    let lo = -8;
    let hi = 8;
    for (let it = 0; it < 50; it++) {
      const mid = (lo + hi) / 2;
      if (cdf(mid) < p) lo = mid;
      else hi = mid;
    }
    t[i] = (lo + hi) / 2;
  }
  return t;
})();

/** Output size of a conv with the network's padding (k−1)/2. */
function convOut(n: number, k: number, s: number): number {
  const p = (k - 1) >> 1;
  return Math.floor((n + 2 * p - k) / s) + 1;
}

class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Initializer[] = [];
  private readonly rand: () => number;

  constructor(seed: number) {
    this.rand = makeRng(seed);
  }

  /** Standard normal draws: one uniform picks one of NORMAL_TABLE's quantiles (fast; the weights need not be exact draws). */
  gaussian(): number {
    return NORMAL_TABLE[(this.rand() * NORMAL_TABLE.length) | 0];
  }

  floats(name: string, dims: number[], fill: (i: number) => number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = fill(i);
    this.initializers.push({ name, dims, data_type: ONNX_FLOAT, raw_data: new Uint8Array(data.buffer) });
    return name;
  }

  private ints(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], data_type: ONNX_INT64, int64_data: values });
    return name;
  }

  node(op: string, name: string, input: string[], attribute: Attribute[] = []): string {
    const out = `${name}:out`;
    this.nodes.push({ name, op_type: op, input, output: [out], attribute });
    return out;
  }

  /** Conv (prefix.0), BatchNormalization (prefix.1), Relu: a ConvBNReLU of the PyTorch module. */
  convBnRelu(x: Value, cout: number, k: number, s: number, prefix: string): Value {
    const y = this.convBn(x, cout, k, s, `${prefix}.0`, `${prefix}.1`);
    return { ...y, name: this.node('Relu', `${prefix}.2`, [y.name]) };
  }

  convBn(x: Value, cout: number, k: number, s: number, conv: string, bn: string): Value {
    const std = Math.sqrt(2 / (cout * k * k)); // kaiming_normal_(mode='fan_out', nonlinearity='relu')
    const wName = this.floats(`${conv}.weight`, [cout, x.c, k, k], () => std * this.gaussian());
    const p = (k - 1) >> 1;
    const c = this.node('Conv', conv, [x.name, wName], [
      intsAttr('kernel_shape', [k, k]),
      intsAttr('strides', [s, s]),
      intsAttr('pads', [p, p, p, p]),
      intsAttr('dilations', [1, 1]),
      intAttr('group', 1),
    ]);
    const b = this.node('BatchNormalization', bn, [
      c,
      this.floats(`${bn}.weight`, [cout], () => 1),
      this.floats(`${bn}.bias`, [cout], () => 0),
      this.floats(`${bn}.running_mean`, [cout], () => 0),
      this.floats(`${bn}.running_var`, [cout], () => 1),
    ], [floatAttr('epsilon', 1e-5), floatAttr('momentum', 0.9)]);
    return { name: b, c: cout, h: convOut(x.h, k, s), w: convOut(x.w, k, s) };
  }

  /** BasicBlock: conv1/bn1, Relu, conv2/bn2, + x, Relu. */
  basicBlock(x: Value, prefix: string): Value {
    const a = this.convBn(x, x.c, 3, 1, `${prefix}.conv1`, `${prefix}.bn1`);
    const r = this.node('Relu', `${prefix}.relu1`, [a.name]);
    const b = this.convBn({ ...a, name: r }, x.c, 3, 1, `${prefix}.conv2`, `${prefix}.bn2`);
    const sum = this.node('Add', `${prefix}.add`, [b.name, x.name]);
    return { ...x, name: this.node('Relu', `${prefix}.relu2`, [sum]) };
  }

  /** Resize on the spatial axes to h×w; nothing when the size is already that. */
  resize(x: Value, h: number, w: number, mode: 'nearest' | 'linear', name: string): Value {
    if (x.h === h && x.w === w) return x;
    const attrs =
      mode === 'nearest'
        ? [stringAttr('mode', 'nearest'), stringAttr('coordinate_transformation_mode', 'asymmetric'), stringAttr('nearest_mode', 'floor')]
        : [stringAttr('mode', 'linear'), stringAttr('coordinate_transformation_mode', 'half_pixel')];
    const sizes = this.ints(`${name}.sizes`, [h, w]);
    const out = this.node('Resize', name, [x.name, '', '', sizes], [...attrs, intsAttr('axes', [2, 3])]);
    return { ...x, name: out, h, w };
  }

  /** Fuse module (pytorch.ts's Fuse): each output branch from its neighbours, plus the stage's new branches. */
  fuse(x: Value[], cout: readonly number[], prefix: string): Value[] {
    const out: Value[] = [];
    for (let i = 0; i < x.length; i++) {
      let y: Value | undefined;
      let r = 0;
      for (let j = i - 1; j <= i + 1; j++) {
        if (j < 0 || j >= x.length) continue;
        const p = `${prefix}.rows.${i}.${r++}`;
        let z: Value;
        if (j > i) {
          z = this.convBnRelu(x[j], cout[i], 1, 1, p);
          const s = 2 ** (j - i);
          z = this.resize(z, z.h * s, z.w * s, 'nearest', `${p}.upsample`);
        } else {
          z = this.convBnRelu(x[j], cout[i], 3, j === i ? 1 : 2, p);
        }
        if (y === undefined) y = z;
        else {
          const zz = this.resize(z, y.h, y.w, 'linear', `${p}.resize`);
          y = { ...y, name: this.node('Add', `${p}.add`, [y.name, zz.name]) };
        }
      }
      out.push({ ...y!, name: this.node('Relu', `${prefix}.rows.${i}.relu`, [y!.name]) });
    }
    for (let b = x.length; b < cout.length; b++) {
      out.push(this.convBnRelu(out[b - 1], cout[b], 3, 2, `${prefix}.new.${b - x.length}`));
    }
    return out;
  }
}

export interface OnnxExport {
  bytes: Uint8Array;
  cost: ExactCost;
  /** Output shape for a batch of one. */
  outputShape: number[];
}

/** The ONNX model of a network at the target's input size (the batch dimension is symbolic). */
export function onnxModel(code: readonly number[], t: ExportTarget, producer = { name: 'ncprop', version: '0' }, seed = 0): OnnxExport {
  const exact = checkExportable(code, t);
  const net = codeToNetwork(code);
  const g = new GraphBuilder(seed);
  const [H, W] = t.input;
  let x: Value = { name: ONNX_INPUT, c: 3, h: H, w: W };
  x = g.convBnRelu(x, net.stem[0], 3, 2, 'stem.0');
  x = g.convBnRelu(x, net.stem[1], 3, 2, 'stem.1');
  let branches = [x];
  let f = 0;
  for (const s of net.stages) {
    for (let b = 0; b < s.blocks; b++) {
      branches = g.fuse(branches, s.channels, `features.${f++}`);
      const p = `features.${f++}`;
      branches = branches.map((v, i) => {
        let y = v;
        for (let u = 0; u < s.units[i]; u++) y = g.basicBlock(y, `${p}.branches.${i}.${u}`);
        return y;
      });
    }
  }
  const target = t.head === 'seg' ? branches[0] : branches[branches.length - 1];
  const resized = branches.map((v, i) => g.resize(v, target.h, target.w, 'linear', `head.resize.${i}`));
  const cat = g.node('Concat', 'head.concat', resized.map((v) => v.name), [intAttr('axis', 1)]);
  let y: Value = g.convBnRelu({ name: cat, c: resized.reduce((a, v) => a + v.c, 0), h: target.h, w: target.w }, net.head, 1, 1, 'transform');
  if (t.head === 'cls') y = { ...y, name: g.node('GlobalAveragePool', 'head.pool', [y.name]), h: 1, w: 1 };
  // the module initialises every conv weight as Kaiming normal (fan_out) and keeps nn.Conv2d's default bias (±1/√fan_in)
  const bound = 1 / Math.sqrt(net.head);
  const rand = makeRng(seed + 1);
  const cw = g.floats('classifier.weight', [t.classes, net.head, 1, 1], () => Math.sqrt(2 / t.classes) * g.gaussian());
  const cb = g.floats('classifier.bias', [t.classes], () => bound * (rand() * 2 - 1));
  let out = g.node('Conv', 'classifier', [y.name, cw, cb], [intsAttr('kernel_shape', [1, 1])]);
  if (t.head === 'cls') out = g.node('Flatten', 'head.flatten', [out], [intAttr('axis', 1)]);
  // the last node writes the graph's output
  g.nodes[g.nodes.length - 1].output = [ONNX_OUTPUT];
  const outputShape = t.head === 'cls' ? [1, t.classes] : [1, t.classes, target.h, target.w];
  const tensorType = (dims: (number | string)[]) => ({
    tensor_type: {
      elem_type: ONNX_FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) },
    },
  });
  const name = codeToString(code);
  const model = {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: producer.name,
    producer_version: producer.version,
    model_version: 1,
    doc_string: `Multi-resolution network ${name} (NAS-Bench-MR code), ${describeTarget(t)}: ${exact.macs} multiply-accumulates, ${exact.params} parameters. Random weights.`,
    graph: {
      name: name,
      node: g.nodes,
      initializer: g.initializers,
      input: [{ name: ONNX_INPUT, type: tensorType(['batch', 3, H, W]) }],
      output: [{ name: ONNX_OUTPUT, type: tensorType(t.head === 'cls' ? ['batch', t.classes] : ['batch', t.classes, target.h, target.w]) }],
    },
    metadata_props: [
      { key: 'ncp.code', value: `[${code.join(',')}]` },
      { key: 'ncp.head', value: t.head },
      { key: 'ncp.input', value: `${H}x${W}` },
      { key: 'ncp.classes', value: String(t.classes) },
      { key: 'ncp.macs', value: String(exact.macs) },
      { key: 'ncp.params', value: String(exact.params) },
    ],
  };
  const type = modelProtoType();
  // plain objects of the schema's field types encode as they are (test/core/export verifies them)
  const bytes = type.encode(model).finish();
  return { bytes, cost: exact, outputShape };
}

/** What a written ONNX file holds, read back with the same schema (tests, bench, `ncprop latency`). */
export interface OnnxSummary {
  opset: number;
  inputShape: (number | string)[];
  outputShape: (number | string)[];
  /** Elements of the float initializers except batch-norm running statistics: the PyTorch module's parameters. */
  params: number;
  nodes: number;
  ops: Record<string, number>;
  metadata: Record<string, string>;
}

export function readOnnxSummary(bytes: Uint8Array): OnnxSummary {
  const type = modelProtoType();
  const m = type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as {
    opset_import?: { version?: number }[];
    graph?: {
      node?: { op_type?: string }[];
      initializer?: { name?: string; dims?: number[]; data_type?: number }[];
      input?: { type?: { tensor_type?: { shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } } }[];
      output?: { type?: { tensor_type?: { shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } } }[];
    };
    metadata_props?: { key?: string; value?: string }[];
  };
  const shape = (v: { type?: { tensor_type?: { shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } } } | undefined) =>
    (v?.type?.tensor_type?.shape?.dim ?? []).map((d) => d.dim_param ?? d.dim_value ?? '?');
  let params = 0;
  for (const init of m.graph?.initializer ?? []) {
    if (init.data_type !== ONNX_FLOAT || /\.running_(mean|var)$/.test(init.name ?? '')) continue;
    params += (init.dims ?? []).reduce((a, b) => a * b, 1);
  }
  const ops: Record<string, number> = {};
  for (const n of m.graph?.node ?? []) ops[n.op_type ?? '?'] = (ops[n.op_type ?? '?'] ?? 0) + 1;
  const metadata: Record<string, string> = {};
  for (const kv of m.metadata_props ?? []) if (kv.key !== undefined) metadata[kv.key] = kv.value ?? '';
  return {
    opset: m.opset_import?.[0]?.version ?? 0,
    inputShape: shape(m.graph?.input?.[0]),
    outputShape: shape(m.graph?.output?.[0]),
    params,
    nodes: m.graph?.node?.length ?? 0,
    ops,
    metadata,
  };
}
