// Docs that are checked (#27): every `ncprop …` example in README.md, docs/*.md (fenced blocks),
// examples/*.ncp comments and each command's --help "Examples:" runs through the CLI's dispatcher.
// Long runs get small limits (queries, steps, epochs … replaced below); an example that names a
// file of the user's (my-runs.csv, train.py, NCP/data) may stop at "cannot read", nothing else:
// never a usage error (an unknown flag, a budget without a unit, a bad value) or an internal
// error. No example may still say `ncp CMD`. The defaults the docs state are the code's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ncprop } from './cliHarness';
import { commands } from '../../server/src/cli/commands';
import { findDataDir } from '../../server/src/core/benchmark';
import { BUILTIN_DEFAULTS } from '../../server/src/features/propagation/propagationRequest';
import { DEFAULT_BATCH } from '../../server/src/features/search/searchBlock';
import { LIMITS } from '../../server/src/core/limits';

const root = join(__dirname, '..', '..');
const names = commands.map((c) => c.name);
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface Example {
  where: string;
  line: string;
}

/** `ncprop …` command lines in fenced blocks, and inline `ncprop …` in examples/*.ncp comments. */
function docExamples(): Example[] {
  const out: Example[] = [];
  for (const f of docs) {
    let fenced = false;
    readFileSync(join(root, f), 'utf8').split('\n').forEach((l, i) => {
      if (l.trim().startsWith('```')) fenced = !fenced;
      else if (fenced && /^\s*(\$ )?(ncprop|npm run ncp --) (?!\S+ \()/.test(l)) out.push({ where: `${f}:${i + 1}`, line: l.trim().replace(/^\$ /, '').replace(/^npm run ncp -- /, 'ncprop ') });
    });
  }
  for (const f of readdirSync(join(root, 'examples')).filter((x) => x.endsWith('.ncp'))) {
    readFileSync(join(root, 'examples', f), 'utf8').split('\n').forEach((l, i) => {
      for (const m of l.matchAll(/`(ncprop [^`]*)`/g)) if (!m[1].includes('…')) out.push({ where: `examples/${f}:${i + 1}`, line: m[1] });
    });
  }
  return out;
}

async function helpExamples(): Promise<Example[]> {
  const out: Example[] = [];
  for (const c of commands) {
    const help = (await c.load()).help;
    const at = help.indexOf('\nExamples:');
    if (at < 0) continue;
    const lines = help.slice(at).split('\n').slice(1);
    for (let i = 0; i < lines.length; i++) {
      let l = lines[i].trim();
      while (l.endsWith('\\') && i + 1 < lines.length) l = l.slice(0, -1) + lines[++i].trim();
      if (l.includes('ncprop ')) out.push({ where: `ncprop ${c.name} --help`, line: l });
    }
  }
  return out;
}

/** Shell words of the ncprop part of a line (quotes kept together; a trailing comment, pipes into it and redirections dropped). */
function words(line: string): string[] {
  let l = line.replace(/\s+#.*$/, '');
  if (l.includes('| ncprop')) l = l.slice(l.indexOf('| ncprop') + 2);
  l = l.replace(/\s*>.*$/, '');
  const out: string[] = [];
  for (const m of l.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out.slice(1);
}

/** Small limits for long runs; outputs into the scratch folder. */
const SMALL: Record<string, string> = { '--queries': '3', '--initial': '2', '--batch': '1', '--restarts': '1', '--steps': '3', '--epochs': '1', '--members': '1', '--train-samples': '30', '--starts': '1', '--count': '1', '--teacher': '0' };

function limited(args: string[], scratch: string, data: string | undefined): string[] {
  const out = args.map((a, i) => {
    const flag = args[i - 1];
    if (flag !== undefined && SMALL[flag] !== undefined) return SMALL[flag];
    if (flag === '--out') return join(scratch, `out-${i}-${a.replace(/[^\w.-]/g, '_')}`);
    if (data && a.startsWith('../shared/data/')) return join(data, a.slice('../shared/data/'.length));
    return a;
  });
  const c = out[0];
  if ((c === 'train' || c === 'eval') && !out.includes('--epochs')) out.push('--epochs', '1', '--members', '1', '--teacher', '0');
  if (c === 'eval' && out.includes('--recipe')) out.push('--settings', 'seg');
  if (c === 'propagate' && !out.includes('--steps')) out.push('--steps', '3', '--restarts', '1');
  return out;
}

test('no example says `ncp CMD` (the command is ncprop)', async () => {
  const inline = new RegExp(`\`ncp (${names.join('|')})\\b`);
  const line = new RegExp(`^\\s*(\\$ )?ncp (${names.join('|')}) (?!\\()`);
  for (const f of [...docs, ...readdirSync(join(root, 'examples')).map((x) => `examples/${x}`)]) {
    let fenced = false;
    readFileSync(join(root, f), 'utf8').split('\n').forEach((l, i) => {
      if (l.trim().startsWith('```')) fenced = !fenced;
      assert.ok(!inline.test(l), `${f}:${i + 1} says \`ncp: ${l.trim()}`);
      // bench output tables label rows 'ncp search (GP-UCB loop)': a name, not a command line
      assert.ok(!(fenced && line.test(l)), `${f}:${i + 1} says ncp: ${l.trim()}`);
    });
  }
});

test('every command example in the docs and --help runs (small limits; user files may be missing)', async () => {
  const data = findDataDir();
  const scratch = mkdtempSync(join(tmpdir(), 'ncp-docs-'));
  cpSync(join(root, 'examples'), join(scratch, 'examples'), { recursive: true });
  const all = [...docExamples(), ...(await helpExamples())];
  assert.ok(all.length >= 20, `found ${all.length} examples`);
  for (const ex of all) {
    const args = words(ex.line);
    assert.ok(names.includes(args[0]), `${ex.where}: '${args[0]}' is not a command: ${ex.line}`);
    if (args[0] === 'lsp') continue;
    const needsData = /\.\.\/shared\/data|nasbench/.test(ex.line) || args[0] === 'nb201';
    if (needsData && !data) continue;
    const run = limited(args, scratch, data);
    // a bare data file name (nasbench-mr.json) is the data folder's
    const r = await ncprop(run.map((a) => (data && /^nasbench(-mr|201)\.json$/.test(a) ? join(data, a) : a)), scratch, '');
    const ok = r.status === 0 || r.status === 1 || (r.status === 2 && /cannot read '|--from: |no such file/.test(r.stderr));
    assert.ok(ok, `${ex.where}: ${ex.line}\n→ ncprop ${run.join(' ')}\nstatus ${r.status}: ${r.stderr.slice(-600)}`);
    assert.doesNotMatch(r.stderr, /internal error|unknown option|has no unit/, ex.where);
  }
});

test('the defaults the docs state are the code\'s', () => {
  const grammar = readFileSync(join(root, 'docs/grammar.md'), 'utf8');
  const row = (start: string) => grammar.split('\n').find((l) => l.startsWith(`| \`${start}`)) ?? '';
  const last = (l: string) => l.split('|').slice(-2, -1)[0].trim();
  assert.match(last(row('lambda X')), new RegExp(`^${BUILTIN_DEFAULTS.lambda}\\b`), 'lambda');
  assert.equal(last(row('steps N')), String(BUILTIN_DEFAULTS.steps));
  assert.equal(last(row('strategy continuous')), BUILTIN_DEFAULTS.strategy);
  assert.equal(last(row('batch K')), String(DEFAULT_BATCH));
  assert.match(row('steps N'), new RegExp(`N ≤ ${LIMITS.steps.toLocaleString('en-US')}`));
  assert.match(row('restarts N'), new RegExp(`N ≤ ${LIMITS.restarts.toLocaleString('en-US')}`));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const setting = readme.split('\n').find((l) => l.includes('`ncp.propagation.lambda`')) ?? '';
  assert.ok(setting.includes(`\`${BUILTIN_DEFAULTS.lambda}\` / \`${BUILTIN_DEFAULTS.strategy}\` / \`${BUILTIN_DEFAULTS.steps}\``), setting);
  assert.match(grammar, /`--json` prints JSON Lines/, 'check --json is JSON Lines');
});
