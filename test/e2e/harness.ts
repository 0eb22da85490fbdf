// Runs the extension in a real VS Code: code-server from npm (installed by `npm run setup:e2e`
// into ~/.cache/ncp-e2e) with the freshly packaged .vsix, driven by Debian chromium through
// playwright-core, loopback only. Recipe and selectors: docs/e2e.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.NCP_E2E_CHROMIUM ?? '/usr/bin/chromium';
const CODE_SERVER_VERSION = process.env.NCP_CODE_SERVER_VERSION ?? '4.100.3';
const CACHE = process.env.NCP_E2E_CACHE ?? join(homedir(), '.cache', 'ncp-e2e');
export const CODE_SERVER = join(CACHE, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');

/**
 * Why the e2e tests cannot run here, or undefined when they can. Under CI=true a missing
 * prerequisite throws: CI never skips them.
 */
export function missingPrerequisite(): string | undefined {
  const missing: string[] = [];
  if (!existsSync(CODE_SERVER)) missing.push(`code-server ${CODE_SERVER_VERSION} (${CODE_SERVER})`);
  if (!existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  if (missing.length === 0) return undefined;
  const message = `end-to-end tests need ${missing.join(' and ')}: run \`npm run setup:e2e\``;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true: a missing prerequisite is a failure, not a skip)`);
  return message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The build lock test/lsp/harness.ts uses: packaging rebuilds dist/, which other test files read. */
async function withBuildLock<T>(fn: () => T): Promise<T> {
  const lockDir = join(ROOT, 'dist/.lsp-test-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 60_000) rmdirSync(lockDir);
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() - start > 120_000) throw new Error(`timed out waiting for ${lockDir}`);
      await sleep(50);
    }
  }
  try {
    return fn();
  } finally {
    try {
      rmdirSync(lockDir);
    } catch {
      /* already removed */
    }
  }
}

let packaged: { path: string; bytes: number } | undefined;

/** `npx vsce package` exactly as a user runs it (no flags), into a scratch folder; once per process. */
export async function packageVsix(scratch: string): Promise<{ path: string; bytes: number }> {
  if (packaged && existsSync(packaged.path)) return packaged;
  const vsce = join(ROOT, 'node_modules', '.bin', 'vsce');
  const out = join(scratch, 'ncp.vsix');
  const r = await withBuildLock(() => spawnSync(vsce, ['package', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 }));
  if (r.status !== 0) throw new Error(`vsce package failed (${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  packaged = { path: out, bytes: statSync(out).size };
  return packaged;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface SessionOptions {
  /** Name of the session (scratch folder, screenshots). */
  name: string;
  /** Files of the workspace folder: relative path → text. */
  files: Record<string, string>;
  /** Leave workspace trust on and do not trust the folder: Restricted Mode. */
  restricted?: boolean;
  /** Extra user settings. */
  userSettings?: Record<string, unknown>;
}

export interface Session {
  page: Page;
  workspace: string;
  scratch: string;
  vsix: { path: string; bytes: number };
  /** Milliseconds from navigation to a visible workbench. */
  workbenchMs: number;
  /** Code-server's own process id (the extension host and the language server are its descendants). */
  codeServerPid: number;
  close(): Promise<void>;
}

export async function startSession(opts: SessionOptions): Promise<Session> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), `ncp-e2e-${opts.name}-`));
  const home = join(scratch, 'home');
  const tmp = join(scratch, 'tmp');
  const userData = join(scratch, 'user');
  const extensions = join(scratch, 'extensions');
  const workspace = join(scratch, 'workspace');
  for (const d of [home, tmp, join(userData, 'User'), extensions, workspace]) mkdirSync(d, { recursive: true });
  for (const [rel, text] of Object.entries(opts.files)) {
    mkdirSync(dirname(join(workspace, rel)), { recursive: true });
    writeFileSync(join(workspace, rel), text);
  }
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': !!opts.restricted,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'always',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'editor.hover.delay': 200,
        'editor.minimap.enabled': false,
        'chat.disableAIFeatures': true,
        'window.restoreWindows': 'none',
        ...opts.userSettings,
      },
      null,
      1,
    ),
  );
  const vsix = await packageVsix(scratch);
  const env = { ...process.env, HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share') };
  delete (env as Record<string, string | undefined>).VSCODE_IPC_HOOK_CLI;
  const install = spawnSync(CODE_SERVER, ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix.path, '--force'], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (install.status !== 0) throw new Error(`installing the .vsix failed: ${install.stdout}\n${install.stderr}`);
  const port = await freePort();
  const args = [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extensions,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
    ...(opts.restricted ? [] : ['--disable-workspace-trust']),
    workspace,
  ];
  const server: ChildProcess = spawn(CODE_SERVER, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let serverLog = '';
  server.stdout?.on('data', (d) => (serverLog += String(d)));
  server.stderr?.on('data', (d) => (serverLog += String(d)));
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (server.exitCode !== null) throw new Error(`code-server exited (${server.exitCode}):\n${serverLog.slice(-3000)}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - started > 60_000) throw new Error(`code-server did not answer on ${base}:\n${serverLog.slice(-3000)}`);
    await sleep(200);
  }
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  const navStart = Date.now();
  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  const workbenchMs = Date.now() - navStart;
  const session: Session = {
    page,
    workspace,
    scratch,
    vsix,
    workbenchMs,
    codeServerPid: server.pid!,
    async close() {
      await browser.close().catch(() => undefined);
      // code-server runs in its own process group (detached): end it and its children by that id.
      try {
        process.kill(-server.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([new Promise((r) => server.once('exit', r)), sleep(5000)]);
      try {
        process.kill(-server.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      if (process.env.NCP_E2E_KEEP !== '1') rmSync(scratch, { recursive: true, force: true });
    },
  };
  return session;
}

// ---- driving the workbench -------------------------------------------------------------------

/** Monaco renders spaces as U+00A0. */
export function norm(s: string): string {
  return s.replace(/\u00a0/g, ' ');
}

export async function shot(page: Page, name: string): Promise<string> {
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`, naming `what`). */
export async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(everyMs);
  }
}

export async function openFile(page: Page, name: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.locator(`.tab[aria-label*="${name}"], .tab:has-text("${name}")`).first().waitFor({ timeout: 20_000 });
  await page.locator('.monaco-editor .view-line').first().waitFor({ timeout: 20_000 });
}

/** The text of the active editor's visible lines (inlay hints included), spaces normalised. */
export async function editorLines(page: Page): Promise<string[]> {
  const lines = await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').evaluateAll((els) =>
    els
      .map((e) => ({ top: parseFloat((e as HTMLElement).style.top || '0'), text: e.textContent ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((x) => x.text),
  );
  return lines.map(norm);
}

/** Focuses the active editor and moves the cursor to line:column (1-based). */
export async function goTo(page: Page, line: number, column = 1): Promise<void> {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+g');
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await sleep(150);
}

/** Runs a command from the palette by its title (e.g. "NCP: Show Propagation Trace"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    const open = await input.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
    // the palette can close again at once when a webview that is still loading takes the focus
    if (open && (await input.fill(`>${title}`, { timeout: 3000 }).then(() => true, () => false))) break;
    if (attempt === 5) throw new Error(`the command palette did not open (for '${title}')`);
    // a webview has the keyboard: give it back to the workbench
    await page.keyboard.press('Escape');
    await page.locator('.statusbar').click({ position: { x: 600, y: 5 } }).catch(() => undefined);
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
  }
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 10_000 });
  await sleep(300);
  await page.keyboard.press('Enter');
}

/** The visible quick input (pick or input box). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget:visible');
}

/**
 * Answers code-server's simple file dialog (a quick input that takes a path): waits for the
 * dialog to fill in its starting folder, replaces it with `path`, and accepts.
 */
export async function answerFileDialog(page: Page, path: string): Promise<void> {
  const input = quickInput(page).locator('input');
  await input.waitFor({ timeout: 15_000 });
  await until('the dialog to show its folder', async () => (await input.inputValue()).length > 0, 5000).catch(() => undefined);
  await until(`the dialog to hold ${path}`, async () => {
    await input.fill(path);
    await new Promise((r) => setTimeout(r, 300));
    return (await input.inputValue()) === path;
  }, 10_000, 200);
  await page.keyboard.press('Enter');
}

/** Visible notification toasts' text. */
export async function notifications(page: Page): Promise<string[]> {
  return (await page.locator('.notification-toast .notification-list-item-message').allTextContents()).map(norm);
}

/** Hovers the first occurrence of `word` on the visible screen and returns the hover's text once it contains `expect`. */
export async function hoverText(page: Page, word: string, expect: RegExp, timeoutMs = 60_000): Promise<string> {
  return until(
    `a hover over '${word}' matching ${expect}`,
    async () => {
      await page.mouse.move(5, 5);
      await sleep(100);
      const token = page.locator('.editor-group-container.active .monaco-editor .view-line span span', { hasText: new RegExp(`^${word}$`) }).first();
      await token.hover();
      const hover = page.locator('.monaco-hover-content:visible').filter({ hasText: expect }).first();
      await hover.waitFor({ timeout: 3000 });
      return norm((await hover.textContent()) ?? '');
    },
    timeoutMs,
    500,
  );
}

/** The status bar entry of the extension's predictors. */
export function predictorStatus(page: Page): Locator {
  return page.locator('.statusbar-item[id$="ncp.predictors"], .statusbar-item[aria-label*="NCP"]').first();
}

/** Log lines of the extension's output channel, read from the user-data folder's logs. */
export function outputLog(scratch: string): string {
  const out: string[] = [];
  (function walk(dir: string) {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/NCP Language Server/.test(n)) out.push(readFileSync(p, 'utf8'));
    }
  })(join(scratch, 'user', 'logs'));
  return out.join('\n');
}

/** Process ids of language servers (dist/server.js of the installed extension) under this session's scratch folder. */
export function serverPids(scratch: string): number[] {
  const pids: number[] = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const cmd = readFileSync(`/proc/${n}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.startsWith(join(scratch, 'extensions')) && a.endsWith(join('dist', 'server.js')))) pids.push(Number(n));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

export { cpSync };
