/**
 * Throw-away TLS certificates for tests (PRODUCT.md §22): a CA and a server certificate it signed for 127.0.0.1 /
 * localhost, made with the `openssl` command line in a temporary folder. `otherCa` is a second CA that signed nothing
 * here — the "wrong CA" a client may be given.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCerts {
  dir: string;
  /** PEM paths. */
  ca: string;
  caKey: string;
  cert: string;
  key: string;
  otherCa: string;
  /** A self-signed server certificate (SAN 127.0.0.1, localhost) and its key: what a pinned certificate looks like. */
  selfSigned: string;
  selfSignedKey: string;
  cleanup(): void;
}

async function makeCa(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}-key.pem`);
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
    '-keyout', key, '-out', cert, '-subj', `/CN=Rebalance Desk test ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  return { cert, key };
}

/** A CA, a server certificate it signed (SAN 127.0.0.1, ::1, localhost) and an unrelated second CA. */
export async function makeTestCerts(): Promise<TestCerts> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rd-tls-'));
  try {
    const ca = await makeCa(dir, 'ca');
    const other = await makeCa(dir, 'other-ca');
    const key = path.join(dir, 'server-key.pem');
    const csr = path.join(dir, 'server.csr');
    const cert = path.join(dir, 'server.pem');
    const ext = path.join(dir, 'server.ext');
    writeFileSync(
      ext,
      'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' +
        'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n',
    );
    await run('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=localhost']); // prettier-ignore
    await run('openssl', [
      'x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-sha256', '-days', '2',
      '-extfile', ext, '-out', cert,
    ]); // prettier-ignore
    const selfSigned = path.join(dir, 'self-signed.pem');
    const selfSignedKey = path.join(dir, 'self-signed-key.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-keyout', selfSignedKey,
      '-out', selfSigned, '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]); // prettier-ignore
    return {
      dir,
      selfSigned,
      selfSignedKey,
      ca: ca.cert,
      caKey: ca.key,
      cert,
      key,
      otherCa: other.cert,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
