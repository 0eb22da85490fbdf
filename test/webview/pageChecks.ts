// In-page checks of a rendered view, as a person would judge it (issue 26): every text element has
// WCAG AA contrast against what is drawn behind it, no text spills out of its box, is cut by a
// clipping box, overprints other text or is drawn too small to read, and the page does not scroll
// sideways. Run inside the page (a webview's frame in code-server, or the test shell of
// test/webview/browser.ts): `await frame.evaluate(PAGE_CHECKS)` returns a PageCheckReport.
// A string, not a function: tsx would wrap a function's inner arrows in its __name helper, which
// does not exist in the page.

export interface PageCheckReport {
  /** Text nodes checked. */
  texts: number;
  /** Lowest contrast ratio seen, with the text it belongs to. */
  lowest: { ratio: number; text: string };
  contrast: string[];
  overflow: string[];
  overlap: string[];
  small: string[];
  /** The page is wider than its viewport (it scrolls sideways). */
  pageOverflow: string[];
}

/** Every failure of a report, one line each (empty: the page passes). */
export function failures(r: PageCheckReport): string[] {
  return [...r.contrast, ...r.overflow, ...r.overlap, ...r.small, ...r.pageOverflow];
}

/** Smallest text drawn on screen, in CSS pixels (VS Code's own smallest UI text is 11 px). */
export const MIN_TEXT_PX = 9;

export const PAGE_CHECKS = String.raw`(() => {
  const MIN_PX = ${MIN_TEXT_PX};
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  // Any CSS colour (rgb(), color(srgb …) from color-mix, names) to [r, g, b, a] through the canvas.
  const cache = new Map();
  function rgba(css) {
    if (!css || css === 'none' || css === 'transparent' || css.startsWith('url(')) return [0, 0, 0, 0];
    if (cache.has(css)) return cache.get(css);
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    const v = [d[0], d[1], d[2], d[3] / 255];
    cache.set(css, v);
    return v;
  }
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const say = (t) => JSON.stringify(t.length > 40 ? t.slice(0, 40) + '…' : t);
  const where = (e) => {
    const parts = [];
    for (let x = e; x && x.nodeType === 1 && parts.length < 3; x = x.parentElement || (x.getRootNode() && x.getRootNode().host)) {
      parts.unshift(x.localName + (x.id ? '#' + x.id : '') + (x.getAttribute('class') ? '.' + x.getAttribute('class').trim().split(/\s+/).slice(0, 2).join('.') : ''));
    }
    return parts.join(' > ');
  };
  const parentOf = (e) => e.parentElement || (e.getRootNode() && e.getRootNode().host) || null;
  const isSvg = (e) => e instanceof SVGElement;
  const page = rgba(getComputedStyle(document.body).backgroundColor)[3] > 0 ? rgba(getComputedStyle(document.body).backgroundColor) : rgba(getComputedStyle(document.documentElement).backgroundColor)[3] > 0 ? rgba(getComputedStyle(document.documentElement).backgroundColor) : [255, 255, 255, 1];

  function opacityOf(e) {
    let o = 1;
    for (let x = e; x; x = parentOf(x)) o *= Number(getComputedStyle(x).opacity || 1);
    return o;
  }
  function hidden(e) {
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || s.display === 'none') return true;
    for (let x = e; x; x = parentOf(x)) if (getComputedStyle(x).display === 'none') return true;
    return false;
  }
  // Shapes drawn under an SVG text (earlier siblings, and their parents' earlier siblings, whose box holds the text's centre).
  function svgUnder(text, cx, cy) {
    const layers = [];
    for (let node = text; node && !(node instanceof SVGSVGElement); node = node.parentElement) {
      for (let s = node.previousElementSibling; s; s = s.previousElementSibling) {
        if (!/^(rect|circle|path|polygon|ellipse)$/.test(s.localName)) continue;
        const b = s.getBoundingClientRect();
        if (cx < b.left || cx > b.right || cy < b.top || cy > b.bottom) continue;
        const st = getComputedStyle(s);
        const c = rgba(st.fill);
        if (c[3] === 0) continue;
        c[3] *= Number(st.fillOpacity || 1) * opacityOf(s);
        layers.push(c);
        if (c[3] >= 1) return layers;
      }
    }
    return layers;
  }
  // What is behind element e: its own and its ancestors' backgrounds, composited over the page.
  function background(e, cx, cy) {
    const layers = [];
    let x = e;
    if (isSvg(e)) {
      layers.push(...svgUnder(e, cx, cy));
      while (x && isSvg(x)) x = parentOf(x);
    }
    for (; x && (layers.length === 0 || layers[layers.length - 1][3] < 1); x = parentOf(x)) {
      const c = rgba(getComputedStyle(x).backgroundColor);
      if (c[3] > 0) layers.push(c);
    }
    let bg = page;
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  }
  // Boxes that clip what they hold: overflow other than visible, and SVG clip paths.
  function clips(e) {
    const out = [];
    for (let x = parentOf(e); x && x !== document.body && x !== document.documentElement; x = parentOf(x)) {
      if (isSvg(x)) {
        const cp = x.getAttribute && x.getAttribute('clip-path');
        const m = cp && /url\(#([^)]+)\)/.exec(cp);
        const shape = m && document.getElementById(m[1]) && document.getElementById(m[1]).querySelector('rect');
        if (shape) {
          const b = shape.getBoundingClientRect();
          out.push({ box: b, scrolls: false, who: x });
        }
        continue;
      }
      const s = getComputedStyle(x);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') out.push({ box: x.getBoundingClientRect(), scrolls: /auto|scroll/.test(s.overflowX + s.overflowY), who: x });
    }
    return out;
  }
  const inter = (a, b) => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
  const empty = (r) => r.right - r.left < 0.5 || r.bottom - r.top < 0.5;

  // Text nodes with something to read; an <option>'s text is shown by its <select>.
  const texts = [];
  const walk = (root) => {
    const it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = it.currentNode; n; n = it.nextNode()) {
      if (n.nodeType === 1 && n.shadowRoot) walk(n.shadowRoot);
      if (n.nodeType !== 3) continue;
      if (!n.data.trim()) continue;
      let e = n.parentElement || (n.parentNode && n.parentNode.host);
      if (!e || /^(script|style|title|desc|template)$/.test(e.localName)) continue;
      if (e.closest && e.closest('title, desc, defs')) continue;
      if (e.localName === 'option') { const sel = e.closest('select'); if (!sel || sel.selectedOptions[0] !== e) continue; e = sel; }
      if (hidden(e)) continue;
      let rects;
      if (isSvg(e) || e.localName === 'select') rects = [e.getBoundingClientRect()];
      else { const r = document.createRange(); r.selectNodeContents(n); rects = Array.from(r.getClientRects()); }
      rects = rects.filter((r) => r.width > 0.5 && r.height > 0.5);
      if (rects.length === 0) continue;
      texts.push({ node: n, e, rects, text: n.data.trim() });
    }
  };
  walk(document.body);
  // input values are text too
  for (const i of document.querySelectorAll('input[type="text"], input:not([type])')) {
    if (!hidden(i) && i.value) texts.push({ node: i, e: i, rects: [i.getBoundingClientRect()], text: i.value });
  }

  const report = { texts: texts.length, lowest: { ratio: 99, text: '' }, contrast: [], overflow: [], overlap: [], small: [], pageOverflow: [] };
  const seenContrast = new Set();
  for (const t of texts) {
    const e = t.e;
    const s = getComputedStyle(e);
    const r0 = t.rects[0];
    const cx = r0.left + r0.width / 2, cy = r0.top + r0.height / 2;
    // ---- contrast (WCAG AA: 4.5:1, 3:1 for large text: 24 px, or 18.66 px bold)
    const fg = rgba(isSvg(e) ? s.fill : s.color).slice();
    if (fg[3] > 0) {
      fg[3] *= (isSvg(e) ? Number(s.fillOpacity || 1) : 1) * opacityOf(e);
      const bg = background(e, cx, cy);
      const seen = over(fg, bg);
      const k = ratio(seen, bg);
      const m = isSvg(e) && e.getScreenCTM ? e.getScreenCTM() : null;
      const scale = m ? Math.hypot(m.a, m.b) : 1;
      const px = parseFloat(s.fontSize) * scale;
      const large = px >= 24 || (px >= 18.66 && Number(s.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      if (k < report.lowest.ratio) report.lowest = { ratio: Math.round(k * 100) / 100, text: t.text.slice(0, 40) };
      const key = where(e) + hex(seen) + hex(bg);
      if (k < need && !seenContrast.has(key)) {
        seenContrast.add(key);
        report.contrast.push('contrast ' + k.toFixed(2) + ':1 < ' + need + ':1 for ' + say(t.text) + ' (' + where(e) + '): text ' + hex(seen) + ' on ' + hex(bg));
      }
      // ---- size on screen
      if (px < MIN_PX - 0.01) report.small.push('text drawn at ' + px.toFixed(1) + ' px (< ' + MIN_PX + ') ' + say(t.text) + ' (' + where(e) + ')');
    }
    // ---- cut by a clipping box, or spilling out of its own box
    const boxes = clips(e);
    const visible = t.rects.map((r) => boxes.reduce((a, c) => inter(a, c.box), { left: r.left, top: r.top, right: r.right, bottom: r.bottom }));
    t.visible = visible.filter((v) => !empty(v));
    t.rects.forEach((r, i) => {
      for (const c of boxes) {
        if (c.scrolls) continue; // a scroll box shows the rest when scrolled
        const b = c.box;
        if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1) {
          report.overflow.push('text cut by ' + where(c.who) + ': ' + say(t.text) + ' (' + where(e) + ')');
          return;
        }
      }
      if (isSvg(e)) {
        const svgEl = e.ownerSVGElement;
        const b = svgEl && svgEl.getBoundingClientRect();
        if (b && (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1)) report.overflow.push('text outside its chart: ' + say(t.text) + ' (' + where(e) + ')');
        return;
      }
      // the nearest box that is not inline holds the text
      let box = e;
      while (box && getComputedStyle(box).display === 'inline') box = parentOf(box);
      if (!box || e.localName === 'select' || e.localName === 'input') return;
      const b = box.getBoundingClientRect();
      if (r.left < b.left - 1 || r.right > b.right + 1) report.overflow.push('text spills out of its box: ' + say(t.text) + ' (' + where(box) + ')');
    });
    if (e.localName !== 'select' && e.localName !== 'input') {
      const os = getComputedStyle(e);
      if (/hidden|clip/.test(os.overflowX) && e.scrollWidth > e.clientWidth + 1) report.overflow.push('text cut (overflow hidden): ' + say(t.text) + ' (' + where(e) + ')');
    }
  }
  // Rotated SVG labels: their screen boxes are loose; compare B's box in A's own (unrotated) space.
  function apartWhenTurned(ea, eb) {
    if (!isSvg(ea) || !isSvg(eb) || !ea.getScreenCTM || !eb.getScreenCTM) return false;
    const ma = ea.getScreenCTM(), mb = eb.getScreenCTM();
    if (!ma || !mb || (Math.abs(ma.b) < 1e-6 && Math.abs(mb.b) < 1e-6)) return false;
    const a = ea.getBBox(), b = eb.getBBox();
    const toA = ma.inverse().multiply(mb);
    const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].map(([x, y]) => new DOMPoint(x, y).matrixTransform(toA));
    const l = Math.min(...pts.map((p) => p.x)), r = Math.max(...pts.map((p) => p.x)), t = Math.min(...pts.map((p) => p.y)), btm = Math.max(...pts.map((p) => p.y));
    // glyph boxes include line spacing: allow a fifth of the height
    const slack = 0.2 * a.height;
    return r <= a.x + 1 || l >= a.x + a.width - 1 || btm <= a.y + slack || t >= a.y + a.height - slack;
  }
  // ---- text over text: the visible parts of different text nodes must not intersect
  const items = [];
  texts.forEach((t, i) => (t.visible || []).forEach((r) => items.push({ i, r })));
  items.sort((a, b) => a.r.left - b.r.left);
  const seenPair = new Set();
  for (let a = 0; a < items.length; a++) {
    const A = items[a];
    for (let b = a + 1; b < items.length && items[b].r.left < A.r.right - 1; b++) {
      const B = items[b];
      if (A.i === B.i) continue;
      const ix = Math.min(A.r.right, B.r.right) - Math.max(A.r.left, B.r.left);
      const iy = Math.min(A.r.bottom, B.r.bottom) - Math.max(A.r.top, B.r.top);
      // more than a sliver: glyph boxes of adjacent lines may touch
      if (ix > 1.5 && iy > Math.min(3, 0.25 * Math.min(A.r.bottom - A.r.top, B.r.bottom - B.r.top)) && !apartWhenTurned(texts[A.i].e, texts[B.i].e)) {
        const key = Math.min(A.i, B.i) + ':' + Math.max(A.i, B.i);
        if (seenPair.has(key)) continue;
        seenPair.add(key);
        const ta = texts[A.i], tb = texts[B.i];
        report.overlap.push('text over text: ' + say(ta.text) + ' (' + where(ta.e) + ') and ' + say(tb.text) + ' (' + where(tb.e) + ')');
      }
    }
  }
  const se = document.scrollingElement || document.documentElement;
  if (se.scrollWidth > se.clientWidth + 1) report.pageOverflow.push('the page is ' + se.scrollWidth + ' px wide in a ' + se.clientWidth + ' px view (it scrolls sideways)');
  return report;
})()`;
