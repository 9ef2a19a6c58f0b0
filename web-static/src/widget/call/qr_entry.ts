// qr.js: the QR code for «Ответить на телефоне» / «Перевести на телефон» (F18). It is its own
// script, fetched (through chat.js's loader) only when the visitor asks for a phone link, so
// neither chat.js nor call.js carries qrcode-generator. It builds the SVG element itself and
// hands that maker back through its script element (no global).
import { qrPath } from '../../panel/call/qr_path.ts';

const kSvg = 'http://www.w3.org/2000/svg';

export function qrSvg(text: string): SVGSVGElement {
  const { size, d } = qrPath(text);
  const svg = document.createElementNS(kSvg, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('data-testid', 'call-qr-image');
  const bg = document.createElementNS(kSvg, 'rect');
  bg.setAttribute('width', String(size));
  bg.setAttribute('height', String(size));
  bg.setAttribute('fill', '#fff');
  const dots = document.createElementNS(kSvg, 'path');
  dots.setAttribute('d', d);
  svg.append(bg, dots);
  return svg;
}

(document.currentScript as (HTMLScriptElement & { _cb?: (f: typeof qrSvg) => void }) | null)?._cb?.(qrSvg);
