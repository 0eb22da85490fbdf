// Charts as files: an SVG with the theme's colours written into it (the page's CSS variables do
// not travel with the file), and a PNG drawn from that SVG on a canvas. Both stay in the webview
// (no remote content); the host only writes what the user chose to save.

/** Presentation properties copied from the computed style onto each element of the copy. */
const PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'fill-opacity', 'stroke-opacity', 'font-size', 'font-family', 'font-weight', 'text-anchor', 'dominant-baseline', 'stroke-linecap', 'vector-effect'] as const;

/** A standalone SVG document of `root` (an <svg> on the page), colours resolved from the theme. */
export function standaloneSvg(root: SVGSVGElement): string {
  const copy = root.cloneNode(true) as SVGSVGElement;
  const src = [root, ...Array.from(root.querySelectorAll('*'))];
  const dst = [copy, ...Array.from(copy.querySelectorAll('*'))];
  src.forEach((s, i) => {
    const d = dst[i];
    if (s.classList.contains('hidden') || s.classList.contains('no-export')) {
      d.remove();
      return;
    }
    const cs = getComputedStyle(s);
    if (cs.display === 'none') {
      d.remove();
      return;
    }
    for (const p of PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) d.setAttribute(p, v);
    }
    d.removeAttribute('class');
    d.removeAttribute('tabindex');
  });
  const vb = root.viewBox.baseVal;
  const w = vb && vb.width ? vb.width : root.clientWidth;
  const h = vb && vb.height ? vb.height : root.clientHeight;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(w));
  copy.setAttribute('height', String(h));
  copy.removeAttribute('style');
  // A background rectangle in the editor's colour, so the file reads the same outside VS Code.
  const bg = getComputedStyle(document.body).backgroundColor || '#ffffff';
  const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  rect.setAttribute('x', String(vb?.x ?? 0));
  rect.setAttribute('y', String(vb?.y ?? 0));
  rect.setAttribute('width', String(w));
  rect.setAttribute('height', String(h));
  rect.setAttribute('fill', bg);
  copy.insertBefore(rect, copy.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

/** A PNG (data: URL) of the SVG text at `scale`× its size; the CSP allows data: images. */
export function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(width * scale);
      canvas.height = Math.ceil(height * scale);
      const g = canvas.getContext('2d');
      if (!g) return reject(new Error('no 2D canvas'));
      g.scale(scale, scale);
      g.drawImage(img, 0, 0, width, height);
      resolve(canvas.toDataURL('image/png'));
    };
    img.onerror = () => reject(new Error('the chart could not be drawn as an image'));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  });
}

export function svgSize(root: SVGSVGElement): { width: number; height: number } {
  const vb = root.viewBox.baseVal;
  return vb && vb.width ? { width: vb.width, height: vb.height } : { width: root.clientWidth, height: root.clientHeight };
}
