import { defineConfig, type UserConfig } from 'vite';

// Each app of the front end is its own Vite build with its own base path, so the
// daemon can serve them as separate trees: the panel at /app/, the widget at /widget/.
const apps = {
  panel: { root: 'src/panel', base: '/app/', outDir: '../build/web/app' },
} as const;

// The widget is two classic scripts with fixed names (the snippet on customers' sites
// points at loader.js; loader.js loads chat.js), built as IIFE libraries: no module
// loader, no chunks, CSS inlined as strings into the shadow root.
const widgets = {
  'widget-loader': { entry: 'src/widget/loader.ts', file: 'loader.js', empty: true },
  'widget-chat': { entry: 'src/widget/chat.tsx', file: 'chat.js', empty: false },
  // Calls: fetched by chat.js only when a call starts or rings (widget/call/host.ts).
  'widget-call': { entry: 'src/widget/call/entry.tsx', file: 'call.js', empty: false },
  // The QR code maker: fetched by call.js only when the visitor asks for a phone link (F18).
  'widget-qr': { entry: 'src/widget/call/qr_entry.ts', file: 'qr.js', empty: false },
} as const;

type AppName = keyof typeof apps;
type WidgetName = keyof typeof widgets;

export default defineConfig(({ mode }): UserConfig => {
  const here = new URL('.', import.meta.url).pathname;
  if (mode in widgets) {
    const w = widgets[mode as WidgetName];
    return {
      root: here,
      publicDir: false,
      define: { 'process.env.NODE_ENV': '"production"' },
      build: {
        outDir: here + '../build/web/widget',
        emptyOutDir: w.empty,
        target: 'es2019',
        minify: true,
        sourcemap: false,
        copyPublicDir: false,
        lib: { entry: here + w.entry, formats: ['iife'], name: 'CallpyWidget', fileName: () => w.file },
      },
    };
  }
  const name: AppName = mode in apps ? (mode as AppName) : 'panel';
  const app = apps[name];
  return {
    root: here + app.root,
    base: app.base,
    publicDir: false,
    build: {
      outDir: here + app.outDir,
      emptyOutDir: true,
      target: 'es2020',
      // The polyfill would be inlined into the entry; every browser we support has
      // modulepreload, and keeping scripts external lets the panel run under a strict CSP.
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      sourcemap: false,
    },
    server: {
      // `npm run dev` proxies the API to a daemon started by hand.
      proxy: { '/api': 'http://127.0.0.1:8080', '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
    },
  };
});
