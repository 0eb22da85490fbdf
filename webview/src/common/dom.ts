// DOM and SVG element builders shared by the views. Text is always appended as text nodes, so
// names and comments from the user's file are never parsed as HTML.
const SVG_NS = 'http://www.w3.org/2000/svg';

export type Attrs = Record<string, string | number | boolean | undefined>;

function apply(e: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    // An attribute named by us, never by data: no `on*` handlers and no style attributes (CSP).
    e.setAttribute(k, v === true ? '' : String(v));
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: (Node | string)[]): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Attrs, ...children: (Node | string)[]): HTMLElement;
export function el(tag: string, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  apply(e, attrs);
  e.append(...children);
  return e;
}

export function svg(tag: string, attrs: Attrs = {}, ...children: (Node | string)[]): SVGElement {
  const e = document.createElementNS(SVG_NS, tag);
  apply(e, attrs);
  e.append(...children);
  return e;
}

export function button(label: string, onClick: () => void, attrs: Attrs = {}): HTMLButtonElement {
  const cls = ['btn', ...String(attrs.class ?? '').split(/\s+/).filter((c) => c && c !== 'btn')].join(' ');
  const b = el('button', { type: 'button', ...attrs, class: cls }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** The file name of a document URI, for a view's title ("mynet.ncp"); the URI itself when it has none. */
export function fileLabel(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || uri;
  } catch {
    return last || uri;
  }
}

/**
 * A network code as <code>, breakable only between its groups (after '-' of a multi-resolution
 * code, after '+' or '|' of a cell): a narrow view wraps it there, never inside a group or an op.
 */
export function codeEl(text: string, attrs: Attrs = {}): HTMLElement {
  const parts = text.split(/(?<=[-+|])/);
  const e = el('code', attrs);
  parts.forEach((p, i) => {
    if (i) e.append(document.createElement('wbr'));
    e.append(p);
  });
  return e;
}
