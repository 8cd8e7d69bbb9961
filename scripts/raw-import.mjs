// Node module hook so that `import text from './x.lua?raw'` works outside Vite (bench, CLIs run with tsx),
// exactly as Vite and Vitest resolve it.
import { register } from 'node:module';

register('./raw-import-hooks.mjs', import.meta.url);
