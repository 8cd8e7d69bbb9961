/**
 * §18: what a certificate may sign, read from its DER as OpenSSL reads it — basicConstraints (CA flag, path length)
 * and keyUsage (keyCertSign). Node's X509Certificate tells neither the path length nor the key usage bits, so the
 * few bytes needed are read here with a minimal DER walker (definite lengths only, as DER requires).
 */
import type { X509Certificate } from 'node:crypto';

interface Tlv {
  tag: number;
  /** Where the contents start and end in the buffer. */
  start: number;
  end: number;
}

function readTlv(buf: Buffer, offset: number): Tlv {
  const tag = buf[offset]!;
  let length = buf[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + buf[start + i]!;
    start += bytes;
  }
  const end = start + length;
  if (end > buf.length) throw new Error('truncated DER');
  return { tag, start, end };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const child = readTlv(buf, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

const OID_BASIC_CONSTRAINTS = Buffer.from([0x55, 0x1d, 0x13]);
const OID_KEY_USAGE = Buffer.from([0x55, 0x1d, 0x0f]);
const KEY_CERT_SIGN = 0x04; // bit 5 of the first byte of keyUsage

/** What a certificate may sign: CA flag and path length (basicConstraints), keyCertSign (keyUsage, when present). */
export interface SigningPower {
  ca: boolean;
  /** null: no limit. */
  pathLength: number | null;
  /** null: no keyUsage extension (no restriction). */
  keyCertSign: boolean | null;
}

/** The certificate's basicConstraints and keyUsage; a certificate that cannot be read may sign nothing. */
export function signingPower(cert: X509Certificate): SigningPower {
  const none: SigningPower = { ca: false, pathLength: null, keyCertSign: null };
  try {
    const der = cert.raw;
    const tbs = children(der, readTlv(der, 0))[0]!;
    const extensionsWrapper = children(der, tbs).find((t) => t.tag === 0xa3);
    if (!extensionsWrapper) return none;
    const list = children(der, extensionsWrapper)[0]!;
    const power = { ...none };
    for (const extension of children(der, list)) {
      const parts = children(der, extension);
      const oid = der.subarray(parts[0]!.start, parts[0]!.end);
      const value = parts[parts.length - 1]!; // OCTET STRING (after the optional `critical`)
      if (oid.equals(OID_BASIC_CONSTRAINTS)) {
        const inner = children(der, readTlv(der, value.start));
        for (const field of inner) {
          if (field.tag === 0x01) power.ca = der[field.start] !== 0;
          if (field.tag === 0x02) power.pathLength = der.readUIntBE(field.start, Math.min(6, field.end - field.start));
        }
      } else if (oid.equals(OID_KEY_USAGE)) {
        const bits = readTlv(der, value.start);
        power.keyCertSign = bits.end - bits.start > 1 && (der[bits.start + 1]! & KEY_CERT_SIGN) !== 0;
      }
    }
    return power;
  } catch {
    return none;
  }
}

/** The certificate's subject on one line (`CN=…, O=…`). */
export function subjectOf(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}

/**
 * Why `issuer` may not sign the certificate below it when `intermediatesBelow` CA certificates sit between it and
 * the leaf, or null — OpenSSL's rules: a CA (basicConstraints CA:TRUE), with keyCertSign when it has a keyUsage, and
 * no more CAs below it than its path length.
 */
export function issuerProblem(issuer: X509Certificate, intermediatesBelow: number): string | null {
  const power = signingPower(issuer);
  const name = subjectOf(issuer);
  if (!power.ca) return `${name} in its chain is not a CA (basicConstraints CA:FALSE), so it may not sign certificates`;
  if (power.keyCertSign === false) {
    return `${name} in its chain is a CA whose keyUsage does not allow signing certificates (no keyCertSign)`;
  }
  if (power.pathLength !== null && intermediatesBelow > power.pathLength) {
    return `${name} in its chain allows path length ${power.pathLength} (CAs below it), the chain has ${intermediatesBelow}`;
  }
  return null;
}
