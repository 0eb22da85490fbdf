// The extension manifest (package.json contributes, capabilities) against the code: every command
// a menu shows is contributed and registered by the client; every setting has a description and a
// scope; restricted settings exist; snippets expand to valid .ncp; the problem matcher reads the
// CLI's real `check` output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeText } from '../../server/src/language/analyze';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const c = pkg.contributes;

function clientSources(): string {
  const out: string[] = [];
  (function walk(d: string) {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      if (n.isDirectory()) walk(join(d, n.name));
      else if (n.name.endsWith('.ts')) out.push(readFileSync(join(d, n.name), 'utf8'));
    }
  })(join(root, 'client/src'));
  return out.join('\n');
}

test('every contributed command is registered by the client, and every menu entry is contributed', () => {
  const src = clientSources();
  const ids: string[] = c.commands.map((x: { command: string }) => x.command);
  for (const id of ids) assert.ok(src.includes(`registerCommand('${id}'`), `${id} is contributed but the client does not register it`);
  for (const [menu, entries] of Object.entries(c.menus as Record<string, { command: string }[]>)) {
    for (const e of entries) assert.ok(ids.includes(e.command), `${menu} shows ${e.command}, which is not contributed`);
  }
  for (const x of c.commands) assert.equal(x.category, 'NCP', `${x.command} is not under "NCP:"`);
});

test('every setting has a markdown description and a scope; restricted settings exist', () => {
  const props = c.configuration.properties as Record<string, { markdownDescription?: string; description?: string; scope?: string }>;
  for (const [k, v] of Object.entries(props)) {
    assert.ok(v.markdownDescription && v.markdownDescription.length > 20, `${k} has no markdownDescription`);
    assert.ok(v.scope, `${k} has no scope`);
  }
  const cap = pkg.capabilities.untrustedWorkspaces;
  assert.equal(cap.supported, 'limited');
  assert.deepEqual([...cap.restrictedConfigurations].sort(), ['ncp.benchmark.path', 'ncp.predictor.backend', 'ncp.predictor.modelsPath']);
  for (const k of cap.restrictedConfigurations) assert.ok(props[k], `${k} is restricted but not a setting`);
  assert.ok(pkg.capabilities.virtualWorkspaces.description, 'virtualWorkspaces says why it is limited');
  // the client keeps its own list in step (client/src/trustedSettings.ts)
  const trusted = readFileSync(join(root, 'client/src/trustedSettings.ts'), 'utf8');
  for (const k of cap.restrictedConfigurations) assert.ok(trusted.includes(`'${k.slice('ncp.'.length)}'`), `${k} missing from trustedSettings.ts`);
});

test('the files the manifest names exist', () => {
  const files = [pkg.icon, ...c.snippets.map((s: { path: string }) => s.path), ...c.languages.map((l: { configuration: string }) => l.configuration), c.languages[0].icon.light];
  for (const w of c.walkthroughs) for (const s of w.steps) files.push(s.media.markdown ?? s.media.image);
  for (const f of files) assert.ok(existsSync(join(root, f)), `${f} is missing`);
});

/** A snippet body with each placeholder replaced by its default (first choice). */
function expand(body: string[]): string {
  return body
    .join('\n')
    .replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '');
}

test('snippets expand to valid .ncp', () => {
  const snippets = JSON.parse(readFileSync(join(root, c.snippets[0].path), 'utf8')) as Record<string, { prefix: string; body: string[] }>;
  const net = 'network network_name = [88, 128, 1, 1, 128, 1, 1, 4, 120, 32, 2, 1, 2, 4, 128, 128, 128, 1, 1, 1, 1, 1, 32, 128, 8, 8, 128]\n';
  for (const [name, s] of Object.entries(snippets)) {
    const text = (name.startsWith('propagate') ? net : '') + expand(s.body);
    const errors = analyzeText(text).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((e) => e.message), [], `${name}:\n${text}`);
  }
});

test('the problem matcher reads `check` output of the built CLI', () => {
  const cli = join(root, 'dist/cli.js');
  if (!existsSync(cli)) {
    const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ncp-matcher-'));
  try {
    writeFileSync(join(dir, 'bad.ncp'), 'network a = [1, 2]\npropagate p from a {\n  maximize sge.mIoU\n}\n');
    const r = spawnSync(process.execPath, ['-e', 'require(process.argv[1]).runCli()', cli, 'check', 'bad.ncp'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const m = c.problemMatchers[0];
    const re = new RegExp(m.pattern.regexp);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.length >= 2, r.stdout);
    for (const line of lines) {
      const x = re.exec(line);
      assert.ok(x, `the problem matcher does not read: ${line}`);
      assert.equal(x[m.pattern.file], 'bad.ncp');
      assert.ok(Number(x[m.pattern.line]) >= 1);
      assert.match(x[m.pattern.severity]!, /^(error|warning|info|hint)$/);
      assert.ok(x[m.pattern.message]!.length > 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("walkthrough steps complete by what the user did: context keys the client sets, no onCommand of a command that can fail", () => {
  const src = clientSources();
  // commands that can fail (no .ncp file, no declaration, a failed run) must not tick a step by being invoked
  const canFail = ['ncp.runPropagationAtCursor', 'ncp.showTrace', 'ncp.propagateToSegmentation', 'ncp.propagateToClassification', 'ncp.propagateToVideo', 'ncp.fitBudgetAtCursor'];
  const steps = c.walkthroughs.flatMap((w: { steps: { id: string; completionEvents: string[] }[] }) => w.steps);
  for (const s of steps) {
    for (const e of s.completionEvents) {
      if (e.startsWith('onCommand:')) assert.ok(!canFail.includes(e.slice('onCommand:'.length)), `${s.id} completes on ${e}, which also fires when the command fails`);
      if (e.startsWith('onContext:')) assert.ok(src.includes(`'${e.slice('onContext:'.length)}'`), `${s.id}: the client never sets ${e}`);
    }
  }
  const byId = new Map(steps.map((s: { id: string; completionEvents: string[] }) => [s.id, s.completionEvents]));
  assert.deepEqual(byId.get('propagate'), ['onContext:ncp.walkthrough.propagated']);
  assert.deepEqual(byId.get('trace'), ['onContext:ncp.walkthrough.traceShown']);
});

test('.ncp files indent with 2 spaces (as the formatter does) and get no word-based suggestions from other files', () => {
  const d = c.configurationDefaults['[ncp]'];
  assert.equal(d['editor.tabSize'], 2);
  assert.equal(d['editor.insertSpaces'], true);
  assert.equal(d['editor.wordBasedSuggestions'], 'off');
});
