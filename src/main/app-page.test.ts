import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPageUrl, appProtocolHandler, resolveAppPage } from './app-page';
import { CONTENT_SECURITY_POLICY } from './window-security';

let root = '';
let outside = '';
beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'rd app page '));
  root = join(base, 'renderer');
  outside = join(base, 'secret.txt');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/a b.js"></script>');
  writeFileSync(join(root, 'assets', 'a b.js'), 'console.log(1)');
  writeFileSync(outside, 'not for the page');
});
afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

const get = (url: string, method = 'GET') => appProtocolHandler(root)(new Request(url, { method }));

describe('app://desk/ protocol', () => {
  it('serves the page and its assets with the CSP header and the right content types', async () => {
    const page = await get('app://desk/index.html#/settings');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('./assets/a b.js');
    expect((await get('app://desk/')).status).toBe(200);
    const script = await get('app://desk/assets/a%20b.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('refuses paths outside the renderer folder, other hosts, writes, and says what is missing', async () => {
    for (const url of [
      'app://desk/../secret.txt',
      'app://desk/%2e%2e/secret.txt',
      'app://desk/assets/..%2f..%2fsecret.txt',
    ]) {
      const res = await get(url);
      expect(res.status, url).not.toBe(200);
      expect(await res.text(), url).not.toContain('not for the page');
    }
    expect((await get('app://elsewhere/index.html')).status).toBe(404);
    expect((await get('app://desk/index.html', 'POST')).status).toBe(405);
    const missing = await get('app://desk/nope.js');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('/nope.js');
  });

  it('points the window at app://desk/index.html, or at the dev server only while unpackaged', () => {
    const built = resolveAppPage('/x/out/main', false, {});
    expect(built).toEqual({ kind: 'protocol', root: '/x/out/renderer', url: 'app://desk/index.html' });
    expect(appPageUrl(built, '/settings?firstRun=1')).toBe('app://desk/index.html#/settings?firstRun=1');
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };
    expect(resolveAppPage('/x/out/main', false, env).kind).toBe('url');
    expect(resolveAppPage('/x/out/main', true, env).kind).toBe('protocol');
  });
});
