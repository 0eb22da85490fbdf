// Loads the bundled trace view (dist/webview.js + dist/webview.css) in headless Chromium under the
// product's CSP shell (webview/src/html.ts). The only stand-in is the host boundary:
// acquireVsCodeApi, which records what the view posts. Theme variables mimic VS Code's light/dark.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeNonce, webviewHtml } from '../../webview/src/html';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = join(__dirname, '..', '..');
const ORIGIN = 'https://webview.ncp.test';

/**
 * The --vscode-* variables code-server 4.100.3 (VS Code 1.100) gives a webview in each of the four
 * theme kinds (Light Modern, Dark Modern, Dark High Contrast, Light High Contrast), recorded from
 * the real workbench by test/e2e/recordThemes.ts (see docs/views.md); `high-contrast` is
 * the dark one.
 */
const RECORDED = JSON.parse(readFileSync(join(__dirname, 'themes.json'), 'utf8')) as Record<'light' | 'dark' | 'hc-dark' | 'hc-light', Record<string, string>>;
export const THEMES = {
  light: RECORDED.light,
  dark: RECORDED.dark,
  'high-contrast': RECORDED['hc-dark'],
  'hc-light': RECORDED['hc-light'],
} as const;

/** The classes VS Code puts on a webview's <body> per theme kind. */
const BODY_CLASS: Record<keyof typeof THEMES, string> = {
  light: 'vscode-light',
  dark: 'vscode-dark',
  'high-contrast': 'vscode-high-contrast',
  'hc-light': 'vscode-high-contrast vscode-high-contrast-light',
};

/**
 * The rules of VS Code's own webview stylesheet (workbench/contrib/webview/browser/pre/index.html)
 * that reach our elements: a view's own styles must win over them (in Dark High Contrast its
 * `code` rule alone makes text black on black).
 */
const VSCODE_DEFAULT_CSS = `
body { background-color: transparent; color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-weight: var(--vscode-font-weight); font-size: var(--vscode-font-size); margin: 0; padding: 0 20px; }
a, a code { color: var(--vscode-textLink-foreground); }
code { font-family: var(--monaco-monospace-font); color: var(--vscode-textPreformat-foreground); background-color: var(--vscode-textPreformat-background); padding: 1px 3px; border-radius: 4px; }
::-webkit-scrollbar { width: 10px; height: 10px; }
::-webkit-scrollbar-corner { background-color: var(--vscode-editor-background); }
::-webkit-scrollbar-thumb { background-color: var(--vscode-scrollbarSlider-background); }
`;

export type ThemeName = keyof typeof THEMES;

export function chromiumMissing(): string | false {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent (install it: apt-get install -y chromium)`;
  if (!existsSync(join(ROOT, 'dist', 'webview.js'))) return 'dist/webview.js is absent (run node scripts/build.mjs)';
  return false;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export interface Opened {
  page: Page;
  /** What the view posted to the host, in order. */
  posted(): Promise<unknown[]>;
  /** CSP violations, page errors and console errors seen so far. */
  problems(): Promise<string[]>;
  post(message: unknown): Promise<void>;
  /** What the view last saved with setState (VS Code hands it back when the webview is rebuilt). */
  state(): Promise<unknown>;
}

/** Opens the view as VS Code would (same shell and CSP), with the given theme's variables. */
export async function openView(browser: Browser, theme: ThemeName = 'light', viewport = { width: 1000, height: 900 }, state?: unknown, view: 'trace' | 'explorer' | 'compare' | 'search' = 'trace'): Promise<Opened> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  const vars = Object.entries(THEMES[theme]).map(([k, v]) => `${k}: ${v};`).join(' ');
  // VS Code puts the theme on <html style="…"> and a class on <body>; a stylesheet served from the
  // webview origin does the same here without loosening the CSP.
  const themeCss = `html { ${vars} } body { color-scheme: ${theme === 'light' || theme === 'hc-light' ? 'light' : 'dark'}; }\n${VSCODE_DEFAULT_CSS}`;
  const nonce = makeNonce();
  // VS Code's stylesheet comes before the view's own (it is injected into the frame's head first).
  const html = webviewHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/dist/webview.js`, styleUri: `${ORIGIN}/dist/webview.css`, view })
    .replace('<meta name="viewport"', `<link rel="stylesheet" href="${ORIGIN}/theme.css">\n<meta name="viewport"`)
    .replace('<body ', `<body class="${BODY_CLASS[theme]}" `);
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = (p: string) => readFileSync(join(ROOT, p));
    if (path === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    if (path === '/theme.css') return route.fulfill({ contentType: 'text/css', body: themeCss });
    if (path === '/dist/webview.js') return route.fulfill({ contentType: 'text/javascript', body: file('dist/webview.js') });
    if (path === '/dist/webview.css') return route.fulfill({ contentType: 'text/css', body: file('dist/webview.css') });
    return route.fulfill({ status: 404, body: '' });
  });
  // A string, not a function: tsx would wrap a function's inner arrows in its __name helper,
  // which does not exist in the page.
  await page.addInitScript(`(() => {
    const w = window;
    w.__posted = [];
    w.__problems = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__problems.push('CSP: ' + e.violatedDirective + ' blocked ' + e.blockedURI));
    let state = ${JSON.stringify(state ?? null)};
    let acquired = false;
    w.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return {
        postMessage: (m) => { w.__posted.push(JSON.parse(JSON.stringify(m))); },
        getState: () => state,
        setState: (s) => { state = JSON.parse(JSON.stringify(s)); },
      };
    };
    w.__state = () => state;
  })();`);
  const opened: Opened = {
    page,
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    problems: async () => [...errors, ...(await page.evaluate(() => (window as unknown as { __problems: string[] }).__problems))],
    post: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    state: () => page.evaluate(() => (window as unknown as { __state: () => unknown }).__state()),
  };
  await page.goto(`${ORIGIN}/index.html`);
  try {
    await page.waitForSelector('#app > *', { timeout: 10_000 });
  } catch (e) {
    throw new Error(`the view did not render: ${(e as Error).message.split('\n')[0]}; ${(await opened.problems()).join('; ') || 'no errors reported'}`);
  }
  return opened;
}

/** The explorer's benchmark dots: how many are drawn (subpaths of the marker paths). */
export async function scatterCount(page: Page): Promise<number> {
  return page.evaluate(`Array.from(document.querySelectorAll('svg.scatter path.pt.bench')).reduce((n, p) => n + (p.getAttribute('d').match(/M/g) || []).length, 0)`) as Promise<number>;
}

/** Page coordinates of the k-th drawn benchmark dot (its data coordinates through the transform). */
export async function scatterPoint(page: Page, k: number): Promise<{ x: number; y: number }> {
  return page.evaluate(`(() => {
    let k = ${k};
    for (const p of document.querySelectorAll('svg.scatter path.pt.bench')) {
      const segs = p.getAttribute('d').split('M').filter(Boolean);
      if (k >= segs.length) { k -= segs.length; continue; }
      const [x, y] = segs[k].replace('h0', '').split(' ').map(Number);
      const q = new DOMPoint(x, y).matrixTransform(p.getScreenCTM());
      return { x: q.x, y: q.y };
    }
    throw new Error('no such point');
  })()`) as Promise<{ x: number; y: number }>;
}
