/**
 * The IB client id drawn once per installation (§9), kept in `<dataDir>/ib-client-id.json`: the file behind the
 * connection's `ClientIdStore`. An unreadable or malformed file reads as "none drawn yet".
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientIdStore } from './connection';

export const CLIENT_ID_FILE = 'ib-client-id.json';

export function clientIdFile(dataDir: string): ClientIdStore {
  const file = join(dataDir, CLIENT_ID_FILE);
  return {
    load: async (): Promise<number | null> => {
      try {
        const value = (JSON.parse(await readFile(file, 'utf8')) as { clientId?: unknown }).clientId;
        return typeof value === 'number' && Number.isInteger(value) ? value : null;
      } catch {
        return null;
      }
    },
    save: async (clientId: number): Promise<void> => {
      await mkdir(dataDir, { recursive: true });
      await writeFile(file, `${JSON.stringify({ clientId })}\n`);
    },
  };
}
