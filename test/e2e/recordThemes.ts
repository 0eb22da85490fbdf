// Records the --vscode-* variables code-server gives a webview in the four theme kinds (Light
// Modern, Dark Modern, Dark High Contrast, Light High Contrast) into test/webview/themes.json, the
// themes the fast view tests (test/webview/browser.ts) draw with. Run again when the pinned
// code-server (VS Code) changes: node --import tsx test/e2e/recordThemes.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, missingPrerequisite, openFile, runCommand, startSession, until } from './harness';
import { THEME_KINDS, setTheme, viewFrame } from './views';

async function main(): Promise<void> {
  const missing = missingPrerequisite();
  if (missing) throw new Error(missing);
  const s = await startSession({ name: 'themes', files: { 'example.ncp': readFileSync(join(ROOT, 'examples/propagate-to-seg.ncp'), 'utf8') } });
  const out: Record<string, Record<string, string>> = {};
  try {
    await openFile(s.page, 'example.ncp');
    await until('the extension', async () => (await s.page.locator('.statusbar-item[id$="ncp.predictors"]').count()) > 0, 60_000);
    await runCommand(s.page, 'NCP: Compare Networks');
    await until('a webview', async () => (await viewFrame(s.page).locator('table.compare').count()) > 0, 60_000);
    for (const [kind, t] of Object.entries(THEME_KINDS)) {
      await s.page.locator('.tab', { hasText: 'example.ncp' }).first().click();
      await setTheme(s.page, t.theme);
      await s.page.locator('.tab', { hasText: 'Compare networks' }).first().click();
      const html = viewFrame(s.page).locator('html');
      await until(`the ${kind} theme in the webview`, async () => (await viewFrame(s.page).locator('body').getAttribute('class'))?.split(/\s+/).includes(t.bodyClass) ?? false, 30_000);
      const style = (await html.getAttribute('style')) ?? '';
      const vars: Record<string, string> = {};
      for (const part of style.split(/;\s*/)) {
        const i = part.indexOf(':');
        if (i > 0 && part.trim().startsWith('--vscode-')) vars[part.slice(0, i).trim()] = part.slice(i + 1).trim();
      }
      out[kind] = vars;
      console.log(`${kind}: ${Object.keys(vars).length} variables`);
    }
  } finally {
    await s.close();
  }
  writeFileSync(join(ROOT, 'test/webview/themes.json'), JSON.stringify(out, null, 1) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
