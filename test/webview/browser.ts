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

export const THEMES = {
  light: {
    '--vscode-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-editor-background': '#ffffff',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-editorIndentGuide-background1': '#ececec',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-purple': '#a86ad2',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-green': '#388a34',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-list-hoverBackground': '#f2f2f2',
    '--vscode-list-activeSelectionBackground': '#e4e6f1',
    '--vscode-list-activeSelectionForeground': '#000000',
    '--vscode-editorHoverWidget-background': '#f8f8f8',
    '--vscode-editorHoverWidget-border': '#c8c8c8',
    '--vscode-textCodeBlock-background': '#f0f0f0',
    '--vscode-editorGroupHeader-tabsBackground': '#f8f8f8',
    '--vscode-sideBar-background': '#ffffff',
    '--vscode-icon-foreground': '#3b3b3b',
    '--vscode-sideBarSectionHeader-background': '#f8f8f8',
    '--vscode-sideBarSectionHeader-foreground': '#3b3b3b',
    '--vscode-sideBarSectionHeader-border': '#e5e5e5',
    '--vscode-sideBarTitle-foreground': '#3b3b3b',
    '--vscode-badge-background': '#cccccc',
    '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
  },
  dark: {
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-editorIndentGuide-background1': '#333333',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-green': '#89d185',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-list-hoverBackground': '#2a2d2e',
    '--vscode-list-activeSelectionBackground': '#04395e',
    '--vscode-list-activeSelectionForeground': '#ffffff',
    '--vscode-editorHoverWidget-background': '#202020',
    '--vscode-editorHoverWidget-border': '#454545',
    '--vscode-textCodeBlock-background': '#2b2b2b',
    '--vscode-editorGroupHeader-tabsBackground': '#181818',
    '--vscode-sideBar-background': '#1f1f1f',
    '--vscode-icon-foreground': '#cccccc',
    '--vscode-sideBarSectionHeader-background': '#181818',
    '--vscode-sideBarSectionHeader-foreground': '#cccccc',
    '--vscode-sideBarSectionHeader-border': '#2b2b2b',
    '--vscode-sideBarTitle-foreground': '#cccccc',
    '--vscode-badge-background': '#616161',
    '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
  },
  'high-contrast': {
    '--vscode-foreground': '#ffffff',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-editor-background': '#000000',
    '--vscode-panel-border': '#6fc3df',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-editorIndentGuide-background1': '#7c7c7c',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-focusBorder': '#f38518',
    '--vscode-list-hoverBackground': '#000000',
    '--vscode-list-activeSelectionBackground': '#000000',
    '--vscode-list-activeSelectionForeground': '#ffffff',
    '--vscode-editorHoverWidget-background': '#0c141f',
    '--vscode-editorHoverWidget-border': '#6fc3df',
    '--vscode-textCodeBlock-background': '#000000',
    '--vscode-editorGroupHeader-tabsBackground': '#000000',
    '--vscode-button-secondaryBackground': '#000000',
    '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-badge-background': '#000000',
    '--vscode-badge-foreground': '#ffffff',
    '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
  },
} as const;

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
  const themeCss = `html { ${vars} } body { color-scheme: ${theme === 'light' ? 'light' : 'dark'}; }`;
  const nonce = makeNonce();
  const html = webviewHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/dist/webview.js`, styleUri: `${ORIGIN}/dist/webview.css`, view })
    .replace('</head>', `<link rel="stylesheet" href="${ORIGIN}/theme.css">\n</head>`)
    .replace('<body ', `<body class="vscode-${theme}" `);
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
        setState: (s) => { state = s; },
      };
    };
  })();`);
  const opened: Opened = {
    page,
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    problems: async () => [...errors, ...(await page.evaluate(() => (window as unknown as { __problems: string[] }).__problems))],
    post: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
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
