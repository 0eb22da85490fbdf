// Python pickles without Python: pickleparser (pure TypeScript, protocols 0–5) with a name
// resolver that allows only the few globals a numpy array needs. Every other global is refused,
// and the allowed ones build plain data, so no pickle can make this process run anything.
import { NameRegistry, Parser } from 'pickleparser';
import { DataError } from './types';

/** A numpy array rebuilt from its pickled state: the values (flattened, C order) and the shape. */
export class NdArray {
  shape: number[] = [];
  dtype = '';
  values: number[] = [];
  __setstate__(state: unknown): void {
    // (version, shape, dtype, is_fortran, raw bytes)
    if (!Array.isArray(state) || state.length !== 5) throw new Error('numpy array: unexpected state');
    const [, shape, dtype, fortran, raw] = state as [unknown, unknown, unknown, unknown, unknown];
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0)) throw new Error('numpy array: bad shape');
    if (!(dtype instanceof NdType)) throw new Error('numpy array: bad dtype');
    if (fortran === true && shape.length > 1) throw new Error('numpy array: Fortran order is not supported');
    if (!(raw instanceof Uint8Array)) throw new Error(`numpy array of ${dtype.code}: only numeric arrays are supported`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const size = dtype.itemSize();
    if (raw.length !== count * size) throw new Error(`numpy array: ${raw.length} bytes for ${count} values of ${dtype.code}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const little = dtype.order !== '>';
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = dtype.read(view, i * size, little);
    this.shape = shape as number[];
    this.dtype = dtype.code;
    this.values = values;
  }
}

/** numpy.dtype('f4', False, True) and its BUILD state (version, byte order, …). */
class NdType {
  order = '<';
  constructor(readonly code: string) {}
  __setstate__(state: unknown): void {
    if (Array.isArray(state) && typeof state[1] === 'string') this.order = state[1];
  }
  itemSize(): number {
    const n = Number(this.code.slice(1));
    if (!/^[fiub][1248]$/.test(this.code) || (this.code[0] === 'f' && n < 4)) throw new Error(`numpy dtype '${this.code}' is not supported`);
    return n;
  }
  read(v: DataView, o: number, le: boolean): number {
    switch (this.code) {
      case 'f4': return v.getFloat32(o, le);
      case 'f8': return v.getFloat64(o, le);
      case 'i1': return v.getInt8(o);
      case 'u1': case 'b1': return v.getUint8(o);
      case 'i2': return v.getInt16(o, le);
      case 'u2': return v.getUint16(o, le);
      case 'i4': return v.getInt32(o, le);
      case 'u4': return v.getUint32(o, le);
      case 'i8': return Number(v.getBigInt64(o, le));
      case 'u8': return Number(v.getBigUint64(o, le));
      default: throw new Error(`numpy dtype '${this.code}' is not supported`);
    }
  }
}

class SafeNames extends NameRegistry {
  override onMissingName(module: string, name: string): never {
    throw new Error(`refusing the Python global '${module}.${name}': only lists, dicts, numbers, strings and numpy arrays are read`);
  }
}

function ndarrayClass(): void {
  // a marker: numpy's _reconstruct receives it as the class to build
}

function reconstruct(cls: unknown): NdArray {
  if (cls !== ndarrayClass) throw new Error('numpy _reconstruct of a class other than numpy.ndarray');
  return new NdArray();
}

function makeDtype(code: unknown): NdType {
  if (typeof code !== 'string') throw new Error('numpy dtype: expected a type code');
  return new NdType(code);
}

/** Protocol 2 pickles bytes as _codecs.encode(text, 'latin1'). */
function encode(text: unknown, encoding: unknown): Uint8Array {
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) throw new Error("_codecs.encode: only (text, 'latin1') is read");
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) throw new Error('_codecs.encode: text is not latin-1');
    out[i] = c;
  }
  return out;
}

function registry(): NameRegistry {
  const r = new SafeNames();
  for (const m of ['numpy.core.multiarray', 'numpy._core.multiarray']) r.register(m, '_reconstruct', reconstruct);
  r.register('numpy', 'ndarray', ndarrayClass);
  r.register('numpy', 'dtype', makeDtype);
  r.register('_codecs', 'encode', encode);
  return r;
}

/**
 * The value a pickle holds: lists and tuples as arrays, dicts as Maps (so no key can reach an
 * object's prototype), numpy arrays as NdArray. Throws DataError naming the file on anything else.
 */
export function unpickle(bytes: Uint8Array, file: string): unknown {
  if (bytes.length < 2 || bytes[0] !== 0x80) {
    throw new DataError(`${file}: not a Python pickle of protocol 2 or later (it starts with ${JSON.stringify(Buffer.from(bytes.subarray(0, 8)).toString('latin1').replace(/[^\x20-\x7e]/g, '.'))})`, file);
  }
  const parser = new Parser({ nameResolver: registry(), unpicklingTypeOfDictionary: 'Map', unpicklingTypeOfSet: 'array' });
  try {
    return parser.parse(bytes);
  } catch (e) {
    const why = (e as Error).message ?? String(e);
    const truncated = /end of file|more bytes|corrupted/i.test(why);
    throw new DataError(`${file}: cannot read the pickle${truncated ? ' (the file is truncated or corrupt)' : ''}: ${why}`, file);
  }
}
