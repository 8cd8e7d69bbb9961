/**
 * §18: the remote window's certificate check verifies a chain as OpenSSL does — every certificate above the leaf
 * must be a CA (basicConstraints CA:TRUE) allowed to sign certificates (keyUsage keyCertSign, when keyUsage is
 * there) within its path length. Otherwise any holder of a server certificate from the same CA could sign a
 * certificate for the remote host and intercept the window and its token. Certificates are made with the openssl
 * command line in a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainProblem } from './remote-core';

vi.mock('electron', () => import('./test/fake-electron.test-support'));

let dir: string;

interface Made {
  cert: string;
  key: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A certificate named `name` with the extensions `ext`, signed by `issuer` (self-signed without one). */
function make(name: string, ext: string, issuer?: Made): Made {
  const key = path.join(dir, `${name}-key.pem`);
  const cert = path.join(dir, `${name}.pem`);
  const extFile = path.join(dir, `${name}.ext`);
  writeFileSync(extFile, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${ext.split(';').join('\n')}\n`);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', key]);
  if (!issuer) {
    openssl(['req', '-x509', '-new', '-key', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, '-config', extFile, '-extensions', 'v3']); // prettier-ignore
    return { cert, key };
  }
  const csr = path.join(dir, `${name}.csr`);
  openssl(['req', '-new', '-key', key, '-out', csr, '-subj', `/CN=${name}`]);
  openssl(['x509', '-req', '-in', csr, '-CA', issuer.cert, '-CAkey', issuer.key, '-CAcreateserial', '-days', '2', '-extfile', extFile, '-extensions', 'v3', '-out', cert]); // prettier-ignore
  return { cert, key };
}

const x509 = (m: Made) => new X509Certificate(readFileSync(m.cert));
const CA = 'basicConstraints=critical,CA:TRUE;keyUsage=critical,keyCertSign,cRLSign';
const LEAF =
  'basicConstraints=CA:FALSE;keyUsage=digitalSignature;extendedKeyUsage=serverAuth;subjectAltName=IP:127.0.0.1';

let root: Made;

/** Does OpenSSL itself accept the chain (leaf, intermediates) against the root? The reference for every case. */
function opensslAccepts(leaf: Made, intermediates: Made[]): boolean {
  const untrusted = path.join(dir, `untrusted-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(untrusted, intermediates.map((m) => readFileSync(m.cert, 'utf8')).join(''));
  try {
    execFileSync('openssl', ['verify', '-CAfile', root.cert, '-untrusted', untrusted, leaf.cert], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rd-chain-'));
  root = make('root', CA);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the remote certificate check verifies the chain like OpenSSL', () => {
  it('accepts a leaf signed by an intermediate CA the root signed', () => {
    const intermediate = make('good-intermediate', CA, root);
    const leaf = make('good-leaf', LEAF, intermediate);
    expect(opensslAccepts(leaf, [intermediate])).toBe(true);
    expect(chainProblem([x509(leaf), x509(intermediate)], [x509(root)], '127.0.0.1')).toBeNull();
  });

  it('refuses a chain whose intermediate is not a CA (another server certificate of the same CA)', () => {
    const otherServer = make('other-server', 'basicConstraints=CA:FALSE;keyUsage=digitalSignature,keyCertSign', root);
    const forged = make('forged-leaf', LEAF, otherServer);
    expect(opensslAccepts(forged, [otherServer])).toBe(false);
    expect(chainProblem([x509(forged), x509(otherServer)], [x509(root)], '127.0.0.1')).toBe(
      'CN=other-server in its chain is not a CA (basicConstraints CA:FALSE), so it may not sign certificates',
    );
  });

  it('refuses an intermediate without basicConstraints at all', () => {
    const plain = make('plain-intermediate', 'keyUsage=digitalSignature', root);
    const leaf = make('plain-leaf', LEAF, plain);
    expect(opensslAccepts(leaf, [plain])).toBe(false);
    expect(chainProblem([x509(leaf), x509(plain)], [x509(root)], '127.0.0.1')).toMatch(
      /CN=plain-intermediate .*not a CA/,
    );
  });

  it('refuses a CA whose keyUsage does not allow signing certificates', () => {
    const noSign = make(
      'nosign-intermediate',
      'basicConstraints=critical,CA:TRUE;keyUsage=critical,digitalSignature',
      root,
    );
    const leaf = make('nosign-leaf', LEAF, noSign);
    expect(opensslAccepts(leaf, [noSign])).toBe(false);
    expect(chainProblem([x509(leaf), x509(noSign)], [x509(root)], '127.0.0.1')).toMatch(
      /CN=nosign-intermediate .*keyCertSign/,
    );
  });

  it('refuses a chain longer than a CA’s path length allows', () => {
    const zero = make('pathlen0', 'basicConstraints=critical,CA:TRUE,pathlen:0;keyUsage=critical,keyCertSign', root);
    const below = make('below-pathlen0', CA, zero);
    const leaf = make('deep-leaf', LEAF, below);
    expect(opensslAccepts(leaf, [below, zero])).toBe(false);
    expect(chainProblem([x509(leaf), x509(below), x509(zero)], [x509(root)], '127.0.0.1')).toMatch(
      /CN=pathlen0 .*path length 0/,
    );
  });

  it('refuses a leaf signed directly by a non-CA anchor given in remote.ca', () => {
    const server = make('anchor-server', 'basicConstraints=CA:FALSE;subjectAltName=IP:127.0.0.1', root);
    const leaf = make('under-anchor-server', LEAF, server);
    expect(chainProblem([x509(leaf)], [x509(server)], '127.0.0.1')).toMatch(/CN=anchor-server .*not a CA/);
  });
});
