// Puts CSS into the shadow root. A constructed stylesheet is not subject to the host
// page's CSP style-src (no inline <style>); older engines get a <style> element.
export function adoptStyle(root: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    const el = document.createElement('style');
    el.textContent = css;
    root.appendChild(el);
  }
}
