// No import circles in server/src, client/src and webview/src (type-only imports count), checked
// by scripts/import-cycles.mjs — the same script anyone can run: node scripts/import-cycles.mjs server/src
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
// @ts-expect-error: a plain .mjs script without type declarations
import { cyclesIn } from '../../scripts/import-cycles.mjs';

const root = resolve(__dirname, '../..');
type Found = { files: number; circles: string[][] };
const find = cyclesIn as (dir: string) => Found;

for (const dir of ['server/src', 'client/src', 'webview/src']) {
  test(`no import circles in ${dir}`, () => {
    const { files, circles } = find(join(root, dir));
    assert.ok(files > 10, `${dir}: only ${files} TypeScript files found`);
    assert.deepEqual(circles.map((c) => c.join(' → ')), [], `import circles in ${dir}`);
  });
}

test('the check finds circles through type-only imports, re-exports, index.ts and dynamic imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-cycles-'));
  try {
    const write = (name: string, text: string) => {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    };
    write('a.ts', "import type { B } from './b';\nexport interface A { b?: B }\n");
    write('b.ts', "import type {\n  A,\n} from './a';\nexport interface B { a?: A }\n");
    write('c/index.ts', "export * from '../d';\n");
    write('d.ts', "export const d = () => import('./c');\n");
    write('e.ts', "// import { f } from './f';  a comment is no import\nexport const e = 1;\n");
    write('f.ts', "import { e } from './e';\nexport const f = e;\n");
    write('g.ts', "import { g as h } from './g';\nexport const g = 1; void h;\n");
    const { files, circles } = find(dir);
    assert.equal(files, 7);
    assert.deepEqual(circles.map((c) => c.join(' ')).sort(), ['a.ts b.ts', 'c/index.ts d.ts', 'g.ts']);
    // The command line says so and exits 1.
    const r = spawnSync(process.execPath, [join(root, 'scripts/import-cycles.mjs'), dir], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /circle of 2: a\.ts, b\.ts/);
    assert.match(r.stdout, /3 import circle\(s\) among 7 files/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
