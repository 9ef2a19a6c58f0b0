// Vite turns `import css from './x.css?inline'` into the minified CSS text.
declare module '*.css?inline' {
  const css: string;
  export default css;
}
