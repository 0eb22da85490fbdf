// Helpers of the views' end-to-end checks (test/e2e/views.test.ts): the colour theme, the active
// webview's frame, and the in-page checks of test/webview/pageChecks.ts.
import type { FrameLocator, Page } from 'playwright-core';
import { norm, quickInput, until } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The four theme kinds VS Code has, by the names of its default themes. */
export const THEME_KINDS = {
  light: { theme: 'Light Modern', bodyClass: 'vscode-light' },
  dark: { theme: 'Dark Modern', bodyClass: 'vscode-dark' },
  'hc-dark': { theme: 'Dark High Contrast', bodyClass: 'vscode-high-contrast' },
  'hc-light': { theme: 'Light High Contrast', bodyClass: 'vscode-high-contrast-light' },
} as const;
export type ThemeKind = keyof typeof THEME_KINDS;

/** Switches the colour theme (its label in the picker, e.g. 'Dark High Contrast').
 * Switches the colour theme through "Preferences: Color Theme" (the settings file is not watched in code-server here). */
export async function setTheme(page: Page, theme: string): Promise<void> {
  const input = quickInput(page).locator('input');
  // Ctrl+K Ctrl+T: the theme picker itself (the palette's first match for its title can be the marketplace's)
  for (let attempt = 0; ; attempt++) {
    await page.locator('.editor-group-container.active .monaco-editor .view-lines, .statusbar').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await page.keyboard.press('Control+k');
    await page.keyboard.press('Control+t');
    if (await quickInput(page).locator('.monaco-list-row', { hasText: /Modern|High Contrast/ }).first().waitFor({ timeout: 5000 }).then(() => true, () => false)) break;
    await page.keyboard.press('Escape');
    if (attempt === 3) throw new Error('the colour theme picker did not open');
  }
  await input.fill(theme);
  const row = quickInput(page).locator('.monaco-list-row', { hasText: theme }).first();
  await row.waitFor({ timeout: 10_000 });
  // filtered, the theme is the first row (and focused)
  await until(`'${theme}' first`, async () => norm((await quickInput(page).locator('.monaco-list-row').first().textContent()) ?? '').startsWith(theme), 10_000, 150);
  await sleep(200);
  await page.keyboard.press('Enter');
}

/** The frame of the visible webview (each panel is an iframe.webview holding #active-frame). */
export function viewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready:visible').last().frameLocator('#active-frame');
}
