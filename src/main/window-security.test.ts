import { describe, expect, it, vi } from 'vitest';
import type { WebContents } from 'electron';
import { FakeWebContents, fakeEvent } from './test/fake-electron.test-support';
import {
  CONTENT_SECURITY_POLICY,
  cspHeadersListener,
  hardenWebContents,
  isSafeExternalUrl,
  secureWebPreferences,
} from './window-security';

vi.mock('electron', () => import('./test/fake-electron.test-support'));

const APP = 'file:///app/out/renderer/index.html';

function hardened() {
  const contents = new FakeWebContents();
  const openExternal = vi.fn();
  hardenWebContents(contents as unknown as WebContents, {
    isAppUrl: (url) => url.startsWith(APP),
    openExternal,
  });
  return { contents, openExternal };
}

describe('window security', () => {
  it('has no developer tools in the packaged app (§18), and keeps them while developing', () => {
    expect(secureWebPreferences('/p.cjs', { devTools: false }).devTools).toBe(false);
    expect(secureWebPreferences('/p.cjs', { devTools: true }).devTools).toBe(true);
  });

  it('uses an isolated, sandboxed renderer without Node', () => {
    expect(secureWebPreferences('/app/out/preload/index.cjs')).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('blocks navigation away from the app page', () => {
    const { contents, openExternal } = hardened();
    for (const url of ['file:///etc/passwd', 'http://example.com/', 'javascript:alert(1)']) {
      const event = fakeEvent({ url });
      contents.emit('will-navigate', event, url);
      expect(event.defaultPrevented).toBe(true);
    }
    expect(openExternal).not.toHaveBeenCalled();
    // §18: a blocked navigation is never handed to the system browser, https or not
    const external = fakeEvent({ url: 'https://zehnlabs.com/' });
    contents.emit('will-navigate', external, 'https://zehnlabs.com/');
    expect(external.defaultPrevented).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('lets the app page navigate within itself (hash routes)', () => {
    const { contents } = hardened();
    const event = fakeEvent({ url: `${APP}#/settings` });
    contents.emit('will-navigate', event, `${APP}#/settings`);
    expect(event.defaultPrevented).toBe(false);
  });

  it('blocks redirects away (never opening them in the system browser) and <webview> attachments', () => {
    const { contents, openExternal } = hardened();
    const redirect = fakeEvent({ url: 'https://evil.example/' });
    contents.emit('will-redirect', redirect, 'https://evil.example/');
    expect(redirect.defaultPrevented).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);
  });

  it('denies every new window, opening only https links in the system browser', () => {
    const { contents, openExternal } = hardened();
    const open = contents.windowOpenHandler!;
    expect(open({ url: 'https://www.interactivebrokers.com/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://www.interactivebrokers.com/');
    openExternal.mockClear();
    for (const url of [
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      `${APP}#/queue`,
      'smb://host/x',
    ]) {
      expect(open({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
    expect(isSafeExternalUrl('not a url')).toBe(false);
  });

  it('sets the strict CSP header on responses, replacing any other', () => {
    const callback = vi.fn();
    cspHeadersListener(
      {
        id: 1,
        url: APP,
        method: 'GET',
        resourceType: 'mainFrame',
        referrer: '',
        timestamp: 0,
        statusLine: 'HTTP/1.1 200',
        statusCode: 200,
        responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] },
      } as never,
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
    const devtools = vi.fn();
    cspHeadersListener({ url: 'devtools://devtools/bundled/index.html', responseHeaders: {} } as never, devtools);
    expect(devtools).toHaveBeenCalledWith({});
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });
});
