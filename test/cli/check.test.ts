import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';

const jsonLines = (text: string): unknown[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));

const root = join(__dirname, '..', '..');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function ncp(args: string[], stdin = '', cwd = root): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(args, { stdin: Readable.from([stdin]), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

const BAD = `network a = [1, 2]
network b {
  stem 8 8
  stage 1 blocks 1 units [1] channels [8]
  stage 2 blocks 1 units [1] channels [8, 8]
  stage 3 blocks 1 units [1, 1, 1] channels [8, 8, 8]
  stage 4 blocks 1 units [1, 1, 1, 1] channels [8, 8, 8, 12]
  head 8
}
`;
const WARN_ONLY = 'network w = [8, 8, 1, 1, 8, 1, 1, 1, 8, 8, 1, 1, 1, 1, 8, 8, 8, 1, 1, 1, 1, 1, 8, 8, 8, 8, 136]\n';

function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-check-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('ncp check: file:line:col: severity: message, exit 1 on errors, 0 on a clean file', async () => {
  const dir = tempFiles({ 'bad.ncp': BAD, 'warn.ncp': WARN_ONLY });
  try {
    const clean = await ncp(['check', 'examples/hrnet.ncp']);
    assert.equal(clean.status, 0, clean.stderr);
    assert.equal(clean.stdout, '');
    assert.match(clean.stderr, /0 errors, 0 warnings in 1 file/);

    const r = await ncp(['check', 'bad.ncp', 'warn.ncp'], '', dir);
    assert.equal(r.status, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines, [
      'bad.ncp:1:13: error: a network code has 27 numbers, got 2 [code-length]',
      'bad.ncp:5:26: error: stage 2 has 2 branches: units needs 2 entries, got 1 [branch-count]',
      "bad.ncp:7:58: warning: stage4.channels[3]: 12 is outside the benchmark's range (8–128 in steps of 8); predictions extrapolate [out-of-range]",
      "warn.ncp:1:92: warning: head.channels: 136 is outside the benchmark's range (8–128 in steps of 8); predictions extrapolate [out-of-range]",
    ]);
    assert.match(r.stderr, /2 errors, 2 warnings in 2 files/);

    // Warnings alone do not fail the check.
    assert.equal((await ncp(['check', 'warn.ncp'], '', dir)).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ncp check --json: JSON Lines, one problem per line with 1-based positions', async () => {
  const r = await ncp(['check', '--json', '-'], BAD);
  assert.equal(r.status, 1);
  const problems = jsonLines(r.stdout);
  assert.equal(problems.length, 3);
  assert.deepEqual(problems[1], {
    file: '<stdin>',
    line: 5,
    column: 26,
    endLine: 5,
    endColumn: 29,
    severity: 'error',
    code: 'branch-count',
    message: 'stage 2 has 2 branches: units needs 2 entries, got 1',
  });
  const clean = await ncp(['check', '--json', 'examples/hrnet.ncp']);
  assert.equal(clean.status, 0);
  assert.equal(clean.stdout, '');
});

test('ncp check: unreadable files are reported clearly, exit 2; no file is a usage error', async () => {
  const r = await ncp(['check', 'examples/hrnet.ncp', 'no/such.ncp', 'examples']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ncprop check: cannot read 'no\/such\.ncp': no such file/);
  assert.match(r.stderr, /ncprop check: cannot read 'examples': is a folder, not a regular file/);
  // a named pipe is reported at once, never waited on (check and fmt read through core/files)
  const dir = mkdtempSync(join(tmpdir(), 'ncp-check-fifo-'));
  try {
    const fifo = join(dir, 'pipe.ncp');
    spawnSync('mkfifo', [fifo]);
    for (const cmd of ['check', 'fmt']) {
      const t0 = Date.now();
      const f = await ncp([cmd, fifo]);
      assert.ok(Date.now() - t0 < 5000, `${cmd} waited on a FIFO`);
      assert.notEqual(f.status, 0);
      assert.match(f.stderr, new RegExp(`ncprop ${cmd}: cannot read '.*pipe\\.ncp': is a named pipe \\(FIFO\\), not a regular file`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const j = await ncp(['check', '--json', 'no/such.ncp']);
  assert.equal(j.status, 2);
  assert.deepEqual(jsonLines(j.stdout), [{ file: 'no/such.ncp', error: 'cannot read: no such file' }]);
  const none = await ncp(['check']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /give at least one \.ncp file/);
  const flag = await ncp(['check', '--frobnicate', 'x.ncp']);
  assert.equal(flag.status, 2);
});

test('the built CLI: `node bin/ncp.js check` on a file with errors and on the example', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-check-cli-'));
  try {
    const esbuild = await import('esbuild');
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(root, 'bin/ncp.js'), join(dir, 'bin/ncp.js'));
    await esbuild.build({
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
      external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node'],
      entryPoints: [join(root, 'server/src/cli/ncp.ts')],
      outfile: join(dir, 'dist/cli.js'),
    });
    const bin = join(dir, 'bin/ncp.js');
    writeFileSync(join(dir, 'bad.ncp'), BAD);
    const bad = spawnSync(process.execPath, [bin, 'check', join(dir, 'bad.ncp')], { encoding: 'utf8' });
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stdout, /bad\.ncp:5:26: error: stage 2 has 2 branches/);
    const ok = spawnSync(process.execPath, [bin, 'check', join(root, 'examples/hrnet.ncp')], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const help = spawnSync(process.execPath, [bin, 'check', '--help'], { encoding: 'utf8' });
    assert.match(help.stdout, /Usage: ncprop check/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
