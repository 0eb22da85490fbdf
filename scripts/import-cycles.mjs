// Import circles among the TypeScript files under one or more folders (type-only imports, re-exports
// and dynamic imports count). Prints each strongly connected component of more than one file (and
// each file that imports itself), then a count per folder; exits 1 when there is any circle.
// usage: node scripts/import-cycles.mjs DIR...   (adapted from the shared hooks' import-cycles.mjs)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const IMPORT =
  /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The TypeScript files under `dir` (no declaration files, no node_modules). */
function sourceFiles(dir) {
  const files = [];
  (function walk(d) {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) {
        if (n !== 'node_modules') walk(p);
      } else if (/\.(ts|mts|cts|tsx)$/.test(n) && !/\.d\.[mc]?ts$/.test(n)) files.push(p);
    }
  })(dir);
  return files;
}

/** Relative imports of each file that resolve to a file of the set: file → its imports. */
export function importGraph(files) {
  const set = new Set(files);
  const resolveSpec = (from, spec) => {
    if (!spec.startsWith('.')) return null;
    const b = resolve(dirname(from), spec);
    const noJs = b.replace(/\.(m|c)?js$/, '');
    for (const c of [b, b + '.ts', b + '.tsx', b + '.mts', noJs + '.ts', noJs + '.tsx', noJs + '.mts', join(b, 'index.ts')]) if (set.has(c)) return c;
    return null;
  };
  const edges = new Map();
  for (const f of files) {
    // Comments out first, so an import written in a comment is not an edge.
    const src = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const out = new Set();
    for (const m of src.matchAll(IMPORT)) {
      const t = resolveSpec(f, m[1] || m[2] || m[3]);
      if (t) out.add(t);
    }
    edges.set(f, [...out]);
  }
  return edges;
}

/** The import circles (strongly connected components of 2+ files, or a file importing itself). */
export function importCycles(edges) {
  let idx = 0;
  const stack = [], on = new Set(), index = new Map(), low = new Map(), circles = [];
  // Tarjan's algorithm, iterative so a deep import chain cannot overflow the call stack.
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work = [[root, 0]];
    index.set(root, idx); low.set(root, idx); idx++; stack.push(root); on.add(root);
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const next = edges.get(v) ?? [];
      if (i < next.length) {
        frame[1]++;
        const w = next[i];
        if (!index.has(w)) {
          index.set(w, idx); low.set(w, idx); idx++; stack.push(w); on.add(w);
          work.push([w, 0]);
        } else if (on.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) { const u = work[work.length - 1][0]; low.set(u, Math.min(low.get(u), low.get(v))); }
      if (low.get(v) === index.get(v)) {
        const c = [];
        let w;
        do { w = stack.pop(); on.delete(w); c.push(w); } while (w !== v);
        if (c.length > 1 || next.includes(v)) circles.push(c.sort());
      }
    }
  }
  return circles;
}

/** The circles among the files under `dir`, each as paths relative to `dir`. */
export function cyclesIn(dir) {
  const root = resolve(dir);
  const files = sourceFiles(root);
  const circles = importCycles(importGraph(files)).map((c) => c.map((p) => relative(root, p).split('\\').join('/')));
  return { files: files.length, circles };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.error('usage: node scripts/import-cycles.mjs DIR...');
    process.exit(2);
  }
  let total = 0;
  for (const d of dirs) {
    const { files, circles } = cyclesIn(d);
    for (const c of circles) console.log(`${d}: circle of ${c.length}: ${c.join(', ')}`);
    console.log(`${d}: ${circles.length} import circle(s) among ${files} files`);
    total += circles.length;
  }
  process.exit(total > 0 ? 1 : 0);
}
