import { defineConfig } from 'vite';

// Each app of the front end is its own Vite build with its own base path, so the
// daemon can serve them as separate trees: the panel at /app/, later the widget at
// /widget/ (add an entry to `apps` and a `build:<name>` script).
const apps = {
  panel: { root: 'src/panel', base: '/app/', outDir: '../build/web/app' },
} as const;

type AppName = keyof typeof apps;

export default defineConfig(({ mode }) => {
  const name: AppName = mode in apps ? (mode as AppName) : 'panel';
  const app = apps[name];
  const here = new URL('.', import.meta.url).pathname;
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
      proxy: { '/api': 'http://127.0.0.1:8080' },
    },
  };
});
