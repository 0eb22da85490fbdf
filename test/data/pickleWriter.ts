// A tiny Python pickle writer for test fixtures (protocols 2 and 4), so tests build the authors'
// file shapes at run time without Python: lists, dicts, tuples, numbers, strings, numpy float32
// arrays (as numpy pickles them) and raw globals (to test that unknown ones are refused).

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
/** A numpy float32 1-D array. */
export class PyF32Array {
  constructor(readonly values: number[]) {}
}
/** A reference to a Python global, called with `args` (REDUCE) when given. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string, readonly args?: PyValue[]) {}
}
/** A float that must stay a float even when integral (2.0). */
export class PyFloat {
  constructor(readonly value: number) {}
}
export type PyValue = null | boolean | number | string | PyValue[] | Map<string, PyValue> | PyTuple | PyF32Array | PyGlobal | PyFloat | Uint8Array;

class Out {
  private chunks: number[] = [];
  byte(...b: number[]) {
    this.chunks.push(...b);
  }
  bytes(b: Uint8Array) {
    for (const x of b) this.chunks.push(x);
  }
  u32(n: number) {
    this.byte(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

const op = (c: string) => c.charCodeAt(0);

export function pickle(value: PyValue, protocol: 2 | 4 = 2): Uint8Array {
  const o = new Out();
  o.byte(0x80, protocol);
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    if (protocol >= 4 && b.length < 256) o.byte(0x8c, b.length);
    else {
      o.byte(op('X'));
      o.u32(b.length);
    }
    o.bytes(b);
  };
  const global = (module: string, name: string) => {
    if (protocol >= 4) {
      str(module);
      str(name);
      o.byte(0x93); // STACK_GLOBAL
    } else {
      o.bytes(Buffer.from(`c${module}\n${name}\n`, 'latin1'));
    }
  };
  const tuple = (items: PyValue[]) => {
    if (items.length === 0) return o.byte(op(')'));
    o.byte(op('('));
    items.forEach(w);
    o.byte(op('t'));
  };
  const bytes = (b: Uint8Array) => {
    if (protocol >= 4) {
      if (b.length < 256) o.byte(op('C'), b.length);
      else {
        o.byte(op('B'));
        o.u32(b.length);
      }
      o.bytes(b);
    } else {
      // protocol 2 has no bytes opcode: Python writes _codecs.encode(text, 'latin1')
      global('_codecs', 'encode');
      tuple([Buffer.from(b).toString('latin1'), 'latin1']);
      o.byte(op('R'));
    }
  };
  const float = (x: number) => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(x);
    o.byte(op('G'));
    o.bytes(b);
  };
  function w(v: PyValue): void {
    if (v === null) o.byte(op('N'));
    else if (v === true) o.byte(0x88);
    else if (v === false) o.byte(0x89);
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= 0 && v < 256) o.byte(op('K'), v);
      else if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) {
        o.byte(op('J'));
        o.u32(v >>> 0);
      } else float(v);
    } else if (v instanceof PyFloat) float(v.value);
    else if (typeof v === 'string') str(v);
    else if (Array.isArray(v)) {
      o.byte(op(']'));
      if (v.length > 0) {
        o.byte(op('('));
        v.forEach(w);
        o.byte(op('e'));
      }
    } else if (v instanceof Map) {
      o.byte(op('}'));
      if (v.size > 0) {
        o.byte(op('('));
        for (const [k, x] of v) {
          str(k);
          w(x);
        }
        o.byte(op('u'));
      }
    } else if (v instanceof PyTuple) tuple(v.items);
    else if (v instanceof Uint8Array) bytes(v);
    else if (v instanceof PyGlobal) {
      global(v.module, v.name);
      if (v.args) {
        tuple(v.args);
        o.byte(op('R'));
      }
    } else if (v instanceof PyF32Array) {
      // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b'), then BUILD with its state
      global('numpy.core.multiarray', '_reconstruct');
      o.byte(op('('));
      global('numpy', 'ndarray');
      tuple([0]);
      bytes(Buffer.from('b', 'latin1'));
      o.byte(op('t'), op('R'));
      o.byte(op('('));
      w(1);
      tuple([v.values.length]);
      global('numpy', 'dtype');
      tuple(['f4', false, true]);
      o.byte(op('R'));
      tuple([3, '<', null, null, null, -1, -1, 0]);
      o.byte(op('b'));
      w(false);
      const raw = new Uint8Array(new Float32Array(v.values).buffer);
      bytes(raw);
      o.byte(op('t'), op('b'));
    }
  }
  w(value);
  o.byte(op('.'));
  return o.done();
}

/** An ordered dict from entries, as Python keeps insertion order. */
export function dict(entries: Record<string, PyValue>): Map<string, PyValue> {
  return new Map(Object.entries(entries));
}
