/**
 * The IB client id drawn once per installation (§9), kept in `<dataDir>/ib-client-id.json`: the file behind the
 * connection's `ClientIdStore`. §28: a gateway other than "default" keeps its own in `ib-client-id.<gatewayId>.json`
 * (IB counts client ids per login, so each gateway draws and keeps its own). An unreadable or malformed file reads as
 * "none drawn yet".
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_GATEWAY } from '../../shared/gateways';
import type { ClientIdStore } from './connection';

export const CLIENT_ID_FILE = 'ib-client-id.json';

/** The client id file of a gateway: today's file for "default", `ib-client-id.<gatewayId>.json` for the others. */
export function clientIdFileName(gatewayId: string = DEFAULT_GATEWAY): string {
  return gatewayId === DEFAULT_GATEWAY ? CLIENT_ID_FILE : `ib-client-id.${gatewayId}.json`;
}

export function clientIdFile(dataDir: string, gatewayId: string = DEFAULT_GATEWAY): ClientIdStore {
  const file = join(dataDir, clientIdFileName(gatewayId));
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
