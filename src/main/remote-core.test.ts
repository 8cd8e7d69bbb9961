/**
 * §22 remote window, main-process side: the `remote` setting's checks, the certificate check that trusts
 * `remote.ca` for the remote host only (with real certificates made by openssl), and the desktop operations the
 * window and Settings call over `desk:call`.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTestCerts, type TestCerts } from '../../test/support/tls-certs';
import { defaultSettings, settingsSchema, type Settings } from '../core/config/schema';
import { maskSecrets } from '../core/config/secrets';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import type { Handlers } from '../shared/contract';
import type { RemoteSaveResult } from '../shared/remote';
import { createCallHandler } from './ipc';
import {
  applyRemoteInput,
  chainProblem,
  remoteCertificateCheck,
  remoteHandlers,
  remotePolicy,
  remoteTargetOf,
  type VerifyRequest,
} from './remote-core';

let certs: TestCerts;
const pem = (file: string) => readFileSync(file, 'utf8');
const x509 = (file: string) => new X509Certificate(pem(file));

beforeAll(async () => {
  certs = await makeTestCerts();
});

afterAll(() => certs?.cleanup());

const withRemote = (remote: Record<string, unknown>): Settings => settingsSchema.parse({ remote });

describe('the remote setting', () => {
  it('is off by default: the core runs in the app', () => {
    expect(defaultSettings().remote).toEqual({ url: null, token: '', ca: null });
    expect(remoteTargetOf(defaultSettings())).toBeNull();
  });

  it('names the remote core by its origin and host', () => {
    const target = remoteTargetOf(withRemote({ url: 'https://Desk.Example:8765/', token: 't', ca: '/etc/ca.pem' }));
    expect(target).toEqual({
      url: 'https://desk.example:8765',
      host: 'desk.example:8765',
      hostname: 'desk.example',
      token: 't',
      ca: '/etc/ca.pem',
    });
    expect(remotePolicy(target!)).toContain("connect-src 'self' https://desk.example:8765;");
    // nothing else is widened
    expect(remotePolicy(target!)).toBe(
      CONTENT_SECURITY_POLICY.replace("connect-src 'self'", "connect-src 'self' https://desk.example:8765"),
    );
  });

  it('must be https:// unless the host is this machine, and only an address', () => {
    const problem = (url: string) =>
      settingsSchema.safeParse({ remote: { url } }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problem('http://desk.example:8765')?.[0]).toMatch(
      /^remote\.url: must be the https:\/\/ address of a Rebalance Desk server.*http:\/\/ only on this machine/,
    );
    expect(problem('desk.example:8765')?.[0]).toMatch(/^remote\.url: must be the https:\/\/ address/);
    expect(problem('https://desk.example:8765/#token=abc')?.[0]).toMatch(/only the server's address.*remote\.token/);
    expect(problem('https://user:pw@desk.example')?.[0]).toMatch(/only the server's address/);
    for (const ok of [
      'https://desk.example:8765',
      'http://127.0.0.1:8765',
      'http://localhost:8765',
      'http://[::1]:1',
    ]) {
      expect(problem(ok), ok).toBeUndefined();
    }
  });

  it('keeps its token secret: masked on read, kept when sent back as the mask or empty', () => {
    const settings = withRemote({ url: 'https://desk.example', token: 'r3mote-token' });
    expect(maskSecrets(settings).remote.token).toBe('••••••••');
    expect(JSON.stringify(maskSecrets(settings))).not.toContain('r3mote-token');
    const kept = applyRemoteInput(settings, { url: 'https://desk.example', token: '' });
    expect(kept.ok && kept.settings.remote).toEqual({ url: 'https://desk.example', token: 'r3mote-token', ca: null });
    // §18: a token left empty is never sent to a new place — another address needs it typed again
    const moved = applyRemoteInput(settings, { url: 'https://other.example', token: '' });
    expect(moved.ok && moved.settings.remote).toEqual({ url: 'https://other.example', token: '', ca: null });
    const replaced = applyRemoteInput(settings, { url: 'https://desk.example', token: 'new', ca: '/ca.pem' });
    expect(replaced.ok && replaced.settings.remote).toEqual({
      url: 'https://desk.example',
      token: 'new',
      ca: '/ca.pem',
    });
    const bad = applyRemoteInput(settings, { url: 'http://desk.example' });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['remote.url']);
  });
});

describe('the certificate check', () => {
  it('trusts a chain the CA of remote.ca signed, for the host it names', () => {
    expect(chainProblem([x509(certs.cert)], [x509(certs.ca)], '127.0.0.1')).toBeNull();
    expect(chainProblem([x509(certs.cert)], [x509(certs.ca)], 'localhost')).toBeNull();
  });

  it('trusts a pinned self-signed certificate', () => {
    expect(chainProblem([x509(certs.selfSigned)], [x509(certs.selfSigned)], '127.0.0.1')).toBeNull();
  });

  it('refuses another CA, another host and an expired certificate, saying which', () => {
    expect(chainProblem([x509(certs.cert)], [x509(certs.otherCa)], '127.0.0.1')).toMatch(
      /not signed by the CA in remote\.ca/,
    );
    expect(chainProblem([x509(certs.selfSigned)], [x509(certs.ca)], '127.0.0.1')).toMatch(/not signed/);
    expect(chainProblem([x509(certs.cert)], [x509(certs.ca)], 'desk.example')).toMatch(/not desk\.example/);
    expect(
      chainProblem([x509(certs.cert)], [x509(certs.ca)], '127.0.0.1', new Date(Date.now() + 10 * 86_400_000)),
    ).toMatch(/valid only from/);
  });

  const request = (hostname: string, file: string, errorCode = -202): VerifyRequest =>
    ({
      hostname,
      certificate: { data: pem(file) },
      verificationResult: errorCode === 0 ? 'net::OK' : 'net::ERR_CERT_AUTHORITY_INVALID',
      errorCode,
    }) as unknown as VerifyRequest;

  it('decides only for the remote host; every other host keeps Chromium’s verdict', () => {
    const target = remoteTargetOf(withRemote({ url: 'https://127.0.0.1:8765', ca: certs.ca }))!;
    const check = remoteCertificateCheck(target);
    const verdict = (r: VerifyRequest) => {
      const callback = vi.fn();
      check.verify(r, callback);
      return callback.mock.calls[0]?.[0] as number;
    };
    expect(verdict(request('127.0.0.1', certs.cert))).toBe(0);
    expect(check.problem).toBeNull();
    // the same certificate presented by any other host is not ours to trust
    expect(verdict(request('localhost', certs.cert))).toBe(-3);
    expect(verdict(request('bank.example', certs.selfSigned))).toBe(-3);
    // a certificate the system already trusts stays trusted
    expect(verdict(request('127.0.0.1', certs.selfSigned, 0))).toBe(-3);
    // one remote.ca did not sign is refused, with the reason kept for the status strip
    expect(verdict(request('127.0.0.1', certs.selfSigned))).toBe(-2);
    expect(check.problem).toMatch(/^the certificate of 127\.0\.0\.1:8765 was refused: .*not signed by the CA/);
  });

  it('without remote.ca leaves the verdict to Chromium and says what to set', () => {
    const check = remoteCertificateCheck(remoteTargetOf(withRemote({ url: 'https://127.0.0.1:8765' }))!);
    const callback = vi.fn();
    check.verify(request('127.0.0.1', certs.cert), callback);
    expect(callback).toHaveBeenCalledWith(-3);
    expect(check.problem).toMatch(/ERR_CERT_AUTHORITY_INVALID — set remote\.ca to the PEM file/);
  });

  it('names a remote.ca file it cannot read', () => {
    const check = remoteCertificateCheck(remoteTargetOf(withRemote({ url: 'https://127.0.0.1', ca: '/nope/ca.pem' }))!);
    const callback = vi.fn();
    check.verify(request('127.0.0.1', certs.cert), callback);
    expect(callback).toHaveBeenCalledWith(-2);
    expect(check.problem).toMatch(/remote\.ca: cannot read \/nope\/ca\.pem/);
  });
});

describe('the desktop operations over desk:call', () => {
  const APP = 'app://desk/index.html';
  const isAppUrl = (url: string) => url.startsWith('app://desk/');

  function setUp(settings: Settings, attached = remoteTargetOf(settings)) {
    let current = settings;
    const restart = vi.fn();
    const save = vi.fn(async (next: Settings) => {
      current = next;
    });
    const desktop = remoteHandlers({
      attached,
      settings: () => current,
      save,
      problem: () => 'the certificate was refused: because',
      restart,
    });
    const call = createCallHandler({ handlers: () => ({}) as Handlers, isAppUrl, desktop });
    /** The operation's value, or null when the call was refused (another frame). */
    const invoke = async (name: string, url: string, input: unknown = {}): Promise<unknown> => {
      const result = await call({ senderFrame: { url } }, name, input);
      return result.ok ? result.value : null;
    };
    return { restart, save, invoke, current: () => current };
  }

  it('tells the app page (and only it) the connection, token included', async () => {
    const { invoke } = setUp(withRemote({ url: 'https://desk.example:8765', token: 'r3mote' }));
    expect(await invoke('remoteConnection', APP)).toEqual({
      url: 'https://desk.example:8765',
      host: 'desk.example:8765',
      token: 'r3mote',
    });
    expect(await invoke('remoteConnection', 'https://evil.example/')).toBeNull();
  });

  it('answers null when the core runs here', async () => {
    const { invoke } = setUp(defaultSettings());
    expect(await invoke('remoteConnection', APP)).toBeNull();
  });

  it('are unavailable, with the reason, while the desktop settings could not be read', async () => {
    const call = createCallHandler({ handlers: () => ({}) as Handlers, isAppUrl, desktop: null });
    expect(await call({ senderFrame: { url: APP } }, 'remoteSettings', {})).toEqual({
      ok: false,
      error: { error: 'unavailable', message: 'remoteSettings: the desktop settings could not be read' },
    });
  });

  it('shows the setting without its token, and the certificate problem', async () => {
    const { invoke } = setUp(withRemote({ url: 'https://desk.example', token: 'r3mote', ca: '/ca.pem' }));
    const view = await invoke('remoteSettings', APP);
    expect(view).toEqual({ url: 'https://desk.example', ca: '/ca.pem', tokenSet: true, attached: true });
    expect(JSON.stringify(view)).not.toContain('r3mote');
    expect(await invoke('remoteProblem', APP)).toMatch(/because/);
    expect(await invoke('remoteSettings', 'https://evil.example/')).toBeNull();
  });

  it('saves a valid remote and restarts to attach; refuses a bad one naming the field, saving nothing', async () => {
    vi.useFakeTimers();
    try {
      const { invoke, save, restart, current } = setUp(defaultSettings());
      const bad = (await invoke('saveRemote', APP, { url: 'http://desk.example' })) as RemoteSaveResult;
      expect(bad.ok).toBe(false);
      expect(!bad.ok && bad.issues[0]?.path).toBe('remote.url');
      expect(save).not.toHaveBeenCalled();
      const good = (await invoke('saveRemote', APP, {
        url: 'https://desk.example:8765',
        token: 'r3mote',
        ca: '',
      })) as RemoteSaveResult;
      expect(good).toEqual({
        ok: true,
        restarting: true,
        view: { url: 'https://desk.example:8765', ca: null, tokenSet: true, attached: false },
      });
      expect(current().remote).toEqual({ url: 'https://desk.example:8765', token: 'r3mote', ca: null });
      expect(restart).not.toHaveBeenCalled();
      await vi.runAllTimersAsync();
      expect(restart).toHaveBeenCalledOnce();
      const refused = await invoke('saveRemote', 'https://evil.example/', { url: null });
      expect(refused).toBeNull();
      expect(current().remote.url).toBe('https://desk.example:8765');
    } finally {
      vi.useRealTimers();
    }
  });

  it('clearing the remote while attached restarts with the core here', async () => {
    vi.useFakeTimers();
    try {
      const { invoke, restart, current } = setUp(withRemote({ url: 'https://desk.example', token: 't' }));
      const result = (await invoke('saveRemote', APP, { url: null })) as RemoteSaveResult;
      expect(result.ok && result.restarting).toBe(true);
      expect(current().remote.url).toBeNull();
      await vi.runAllTimersAsync();
      expect(restart).toHaveBeenCalledOnce();
    } finally {
      vi.useRealTimers();
    }
  });
});
