import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Bytes free for this user on the disk of `dir`, or of its nearest existing parent (a data folder not made yet). */
export async function freeBytes(dir: string): Promise<number> {
  let current = dir;
  for (;;) {
    try {
      const stats = await statfs(current);
      return stats.bavail * stats.bsize;
    } catch (error) {
      const parent = dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      current = parent;
    }
  }
}
