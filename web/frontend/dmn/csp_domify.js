// min-dom as dmn-js uses it, with one change for Sif's Content-Security-Policy (style-src
// 'self': no style="" attributes in markup): `domify` lifts every style="" out of the markup
// before parsing and sets it again through the CSSOM (element.style.cssText), which the CSP
// allows. So dmn-js's markup looks exactly as its authors wrote it, the bpmn.io watermark
// included (its licence asks that it stay visible and unchanged), and nothing is refused.
// build_dmn.mjs resolves every `import … from 'min-dom'` in the bundle to this file.

import { domify as parse } from 'min-dom';

export * from 'min-dom';

const STYLE = /\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const MARK = 'data-sif-style';

export function domify(markup, document) {
  const styles = [];
  const safe = String(markup).replace(STYLE, (whole, double, single) => {
    styles.push(double !== undefined ? double : single);
    return ` ${MARK}="${styles.length - 1}"`;
  });
  const node = parse(safe, document);
  if (styles.length && node.querySelectorAll) {
    const marked = [...node.querySelectorAll(`[${MARK}]`)];
    if (node.hasAttribute && node.hasAttribute(MARK)) {
      marked.unshift(node);
    }
    for (const element of marked) {
      element.style.cssText = styles[Number(element.getAttribute(MARK))];
      element.removeAttribute(MARK);
    }
  }
  return node;
}
