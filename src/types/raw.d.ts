/** Vite's `?raw` import: the file's text (Lua scripts, fixtures). */
declare module '*?raw' {
  const text: string;
  export default text;
}
