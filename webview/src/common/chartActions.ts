// "PNG" and "SVG" buttons under a chart: the view draws the file, the host saves it.
import type { ActionMessage } from '../messages';
import { button, el } from './dom';
import { standaloneSvg, svgSize, svgToPng } from './exportChart';

export function exportButtons(chart: () => SVGSVGElement | undefined, baseName: string, post: (m: ActionMessage) => void, what: string): HTMLElement {
  const save = async (format: 'png' | 'svg') => {
    const root = chart();
    if (!root) return;
    const text = standaloneSvg(root);
    if (format === 'svg') {
      post({ type: 'save', format, fileName: `${baseName}.svg`, data: text });
      return;
    }
    const { width, height } = svgSize(root);
    try {
      post({ type: 'save', format, fileName: `${baseName}.png`, data: await svgToPng(text, width, height) });
    } catch (e) {
      console.warn(`PNG export failed: ${(e as Error).message}`);
    }
  };
  return el(
    'span',
    { class: 'export-buttons', role: 'group', 'aria-label': `Export the ${what}` },
    button('PNG', () => void save('png'), { 'aria-label': `Save the ${what} as PNG`, class: 'btn small' }),
    button('SVG', () => void save('svg'), { 'aria-label': `Save the ${what} as SVG`, class: 'btn small' }),
  );
}
