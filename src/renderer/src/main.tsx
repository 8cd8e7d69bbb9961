/**
 * The window's entry module, kept small on purpose (§16 first render): the HTML already downloads the boot chunk
 * (React, Mantine, the Queue page) beside it; this starts the Queue page's requests at once and draws the first frame
 * before that chunk runs (start-window.ts).
 */
import { createApi } from './api/create-api';
import { warmFormats } from './lib/format';
import { startWindow } from './start-window';

void startWindow({
  hash: window.location.hash,
  createApi: () => createApi(),
  root: () => document.getElementById('root'),
  loadBoot: () => import('./boot'),
  warmFormats: () => warmFormats(),
});
