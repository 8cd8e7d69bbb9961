/**
 * The desktop app attached to a remote core (PRODUCT.md §22, setting `remote: {url, token, ca}`): no local core or
 * Redis is started; the window talks to the remote core over HTTPS + SSE with its HTTP transport. This module gives
 * the main process what that needs: the target from the settings, the page's CSP widened to exactly that origin, a
 * certificate check that trusts `remote.ca` for that host only (every other host keeps Chromium's own verdict), and
 * the desktop operations the window calls to learn the connection and Settings calls to change or clear `remote`.
 */
import { X509Certificate } from 'node:crypto';
import { issuerProblem, subjectOf } from './cert-chain';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Certificate } from 'electron';
import type { Settings } from '../core/config/schema';
import { keepUnchangedSecrets } from '../core/config/secrets';
import { parseSettings } from '../core/config/settings-store';
import { contentSecurityPolicy } from '../shared/csp';
import {
  type DesktopHandlers,
  type RemoteConnection,
  type RemoteInput,
  type RemoteSaveResult,
  type RemoteView,
} from '../shared/remote';

export interface RemoteTarget extends RemoteConnection {
  /** The host name as TLS checks it (no brackets, lower case). */
  hostname: string;
  /** `remote.ca`: PEM file of the CA (or the server's own certificate) trusted for this host. */
  ca: string | null;
}

const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

/** The remote core named by the settings, or null when the core runs in this app. */
export function remoteTargetOf(settings: Settings): RemoteTarget | null {
  const { url, token, ca } = settings.remote;
  if (!url) return null;
  const parsed = new URL(url);
  return { url: parsed.origin, host: parsed.host, hostname: bare(parsed.hostname), token, ca };
}

/** The window's CSP while attached: `connect-src` allows the page itself and exactly the remote's origin. */
export function remotePolicy(target: RemoteTarget): string {
  return contentSecurityPolicy({ connect: [target.url] });
}

/** Every certificate of a PEM file (a CA bundle may hold several). */
export function readPemCertificates(file: string, read: (file: string) => string = (f) => readFileSync(f, 'utf8')) {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    throw new Error(`remote.ca: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`remote.ca: ${file} holds no PEM certificate`);
  return blocks.map((pem) => new X509Certificate(pem));
}

/**
 * Why `chain` (leaf first, as the server sent it) is not to be trusted for `hostname` by the `anchors` of
 * `remote.ca`, or null when it is: the leaf names the host and is in its validity period, and some certificate of
 * the chain is an anchor itself (a pinned self-signed certificate) or is signed by one, every link below it signed
 * by the next.
 */
export function chainProblem(
  chain: X509Certificate[],
  anchors: X509Certificate[],
  hostname: string,
  now: Date = new Date(),
): string | null {
  const leaf = chain[0];
  if (!leaf) return 'the server sent no certificate';
  const named = isIP(hostname) ? leaf.checkIP(hostname) : leaf.checkHost(hostname);
  if (!named) return `its certificate is for ${leaf.subjectAltName ?? leaf.subject}, not ${hostname}`;
  if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) {
    return `its certificate is valid only from ${leaf.validFrom} to ${leaf.validTo}`;
  }
  // §18, as OpenSSL verifies: each link signed by the next, and every certificate that signs one below it a CA
  // allowed to sign certificates within its path length (`i - 1` CAs sit between chain[i] and the leaf).
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    if (i > 0) {
      // By name and signature only: X509Certificate.checkIssued also refuses a non-signing issuer, and then the
      // trader would not learn why.
      if (chain[i - 1]!.issuer !== cert.subject || !chain[i - 1]!.verify(cert.publicKey)) break;
      const problem = issuerProblem(cert, i - 1);
      if (problem) return problem;
      if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
        return `${subjectOf(cert)} in its chain is valid only from ${cert.validFrom} to ${cert.validTo}`;
      }
    }
    if (anchors.some((a) => a.fingerprint256 === cert.fingerprint256)) return null;
    const anchor = anchors.find((a) => cert.issuer === a.subject && cert.verify(a.publicKey));
    if (anchor) return issuerProblem(anchor, i);
  }
  return 'its certificate is not signed by the CA in remote.ca (nor is it the certificate in remote.ca)';
}

/** The certificate chain Chromium hands to the verify proc, leaf first. */
function chainOf(certificate: Certificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  for (let c: Certificate | undefined = certificate; c && chain.length < 10; c = c.issuerCert) {
    const cert = new X509Certificate(c.data);
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    chain.push(cert);
  }
  return chain;
}

/** What Electron's `setCertificateVerifyProc` passes (the fields used here). */
export interface VerifyRequest {
  hostname: string;
  certificate: Certificate;
  verificationResult: string;
  errorCode: number;
}

/** 0 trusts, -2 refuses, -3 keeps Chromium's own verdict. */
export type VerifyCallback = (verificationResult: number) => void;

export interface RemoteCertificateCheck {
  verify(request: VerifyRequest, callback: VerifyCallback): void;
  /** Why the last connection to the remote failed its certificate check, worded for the status strip; or null. */
  readonly problem: string | null;
}

/**
 * The verify proc: for the remote host, a certificate Chromium trusts (system CAs) is kept, else it must pass
 * `chainProblem` against `remote.ca`; every other host gets Chromium's verdict (-3), so nothing else is loosened.
 */
export function remoteCertificateCheck(
  target: RemoteTarget,
  options: { read?: (file: string) => string; now?: () => Date } = {},
): RemoteCertificateCheck {
  let problem: string | null = null;
  const refuse = (why: string) => `the certificate of ${target.host} was refused: ${why}`;
  return {
    get problem() {
      return problem;
    },
    verify(request, callback) {
      if (bare(request.hostname) !== target.hostname) {
        callback(-3);
        return;
      }
      if (request.errorCode === 0) {
        problem = null;
        callback(-3);
        return;
      }
      if (!target.ca) {
        problem = refuse(
          `${request.verificationResult || 'not trusted'} — set remote.ca to the PEM file of the CA that signed it, ` +
            "or of the server's own certificate",
        );
        callback(-3);
        return;
      }
      let why: string | null;
      try {
        const anchors = readPemCertificates(target.ca, options.read);
        why = chainProblem(chainOf(request.certificate), anchors, target.hostname, options.now?.());
      } catch (error) {
        why = (error as Error).message;
      }
      problem = why ? refuse(why) : null;
      callback(why ? -2 : 0);
    },
  };
}

export interface RemoteHandlersOptions {
  /** The remote the window is attached to, or null. */
  attached: RemoteTarget | null;
  /** The desktop's own settings (the local file, also while attached). */
  settings: () => Settings;
  /** Saves the desktop's own settings (secrets to the keychain). */
  save: (next: Settings) => Promise<unknown>;
  /** The certificate check's last problem. */
  problem: () => string | null;
  /** Restarts the app (attached or local as the saved settings say). */
  restart: () => void;
}

export function remoteViewOf(settings: Settings, attached: RemoteTarget | null): RemoteView {
  const { url, token, ca } = settings.remote;
  return { url, ca, tokenSet: token !== '', attached: attached !== null };
}

/** Validates a change of `remote` from Settings against the schema; the new settings, or the issues. */
export function applyRemoteInput(
  current: Settings,
  input: unknown,
): { ok: true; settings: Settings } | { ok: false; issues: { path: string; message: string }[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, issues: [{ path: 'remote', message: 'must be an object {url, token, ca}' }] };
  }
  const given = input as Partial<Record<keyof RemoteInput, unknown>>;
  const parsed = parseSettings({
    ...current,
    remote: { url: given.url ?? null, token: given.token ?? '', ca: given.ca === '' ? null : (given.ca ?? null) },
  });
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  return { ok: true, settings: keepUnchangedSecrets(parsed.settings, current) };
}

/**
 * The desktop operations (§22), answered over `desk:call` (the call handler checks the sender first): the connection
 * (read once by the window at start), the setting for Settings, its save (then a restart when the window must
 * attach, detach or reconnect) and the certificate problem.
 */
export function remoteHandlers(options: RemoteHandlersOptions): DesktopHandlers {
  return {
    remoteConnection: () =>
      options.attached
        ? { url: options.attached.url, host: options.attached.host, token: options.attached.token }
        : null,
    remoteSettings: () => remoteViewOf(options.settings(), options.attached),
    remoteProblem: () => options.problem(),
    saveRemote: async (input: unknown): Promise<RemoteSaveResult> => {
      const current = options.settings();
      const next = applyRemoteInput(current, input);
      if (!next.ok) return next;
      try {
        await options.save(next.settings);
      } catch (error) {
        return { ok: false, issues: [{ path: 'remote', message: (error as Error).message }] };
      }
      const before = current.remote;
      const after = next.settings.remote;
      const changed = before.url !== after.url || before.ca !== after.ca || before.token !== after.token;
      // Attached, any change reconnects; local, only a new url attaches.
      const restarting = options.attached ? changed : after.url !== null;
      if (restarting) setTimeout(options.restart, 0);
      return { ok: true, view: remoteViewOf(next.settings, options.attached), restarting };
    },
  };
}
