/**
 * The tray's status dots, drawn here as small PNGs (no image files to ship or keep in sync): green healthy, amber
 * waiting / degraded, red down — the colours the window uses for state (STYLE.md).
 */
import { deflateSync } from 'node:zlib';

export type TrayColour = 'green' | 'amber' | 'red';

export const TRAY_RGB: Record<TrayColour, readonly [number, number, number]> = {
  green: [0x2f, 0x9e, 0x44],
  amber: [0xf0, 0x8c, 0x00],
  red: [0xe0, 0x31, 0x31],
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels (row-major, 4 bytes each) as a PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A filled, anti-aliased dot of `colour` with a darker rim, `size` pixels square, as RGBA. */
export function dotPixels(colour: TrayColour, size: number): Uint8Array {
  const [r, g, b] = TRAY_RGB[colour];
  const pixels = new Uint8Array(size * size * 4);
  const centre = (size - 1) / 2;
  const radius = size * 0.42;
  const rim = Math.max(1, size / 16);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - centre, y - centre);
      const alpha = Math.min(1, Math.max(0, radius - d + 0.5));
      const shade = d > radius - rim ? 0.7 : 1;
      const i = (y * size + x) * 4;
      pixels[i] = Math.round(r * shade);
      pixels[i + 1] = Math.round(g * shade);
      pixels[i + 2] = Math.round(b * shade);
      pixels[i + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

/** `data:image/png;base64,…` of the dot, for `nativeImage.createFromDataURL`. */
export function dotDataUrl(colour: TrayColour, size = 16): string {
  return `data:image/png;base64,${encodePng(size, size, dotPixels(colour, size)).toString('base64')}`;
}
