import { describe, expect, it } from 'vitest';
import { gatewayOfAccount, gatewaysOf } from '../../shared/gateways';
import { defaultSettings, settingsSchema } from './schema';
import { parseSettingsText } from './settings-store';

/** PRODUCT.md §28: `gateways` and each account's `gateway`. */
const account = (accountId: string, gateway?: string) => ({
  accountId,
  strategy: 'growth-a',
  ...(gateway === undefined ? {} : { gateway }),
});

function issuesOf(input: unknown): { path: string; message: string }[] {
  const parsed = parseSettingsText(JSON.stringify(input));
  return parsed.ok ? [] : parsed.issues;
}

describe('gateways', () => {
  it('without gateways the ib block is the one gateway "default", and every account is on it', () => {
    const settings = settingsSchema.parse({ ib: { port: 4002 }, accounts: [account('DU111')] });
    expect(settings.gateways).toBeUndefined();
    expect(settings.accounts[0]?.gateway).toBeUndefined();
    expect(gatewaysOf(settings)).toEqual([
      {
        id: 'default',
        label: 'IB Gateway',
        host: '127.0.0.1',
        port: 4002,
        clientId: null,
        restartWindow: '23:40-00:15 America/New_York',
      },
    ]);
    expect(gatewayOfAccount(settings, 'DU111')?.id).toBe('default');
  });

  it('adds a second login whose accounts name it; the ib block stays "default"', () => {
    const settings = settingsSchema.parse({
      ib: { port: 4002 },
      gateways: [{ id: 'spouse', label: 'Spouse', host: '127.0.0.1', port: 4012, clientId: 7 }],
      accounts: [account('DU111'), account('DU222', 'spouse')],
    });
    const gateways = gatewaysOf(settings);
    expect(gateways.map((g) => [g.id, g.label, g.port, g.clientId])).toEqual([
      ['default', 'default', 4002, null],
      ['spouse', 'Spouse', 4012, 7],
    ]);
    expect(gatewayOfAccount(settings, 'DU222')?.port).toBe(4012);
    expect(gatewayOfAccount(settings, 'DU111')?.port).toBe(4002);
    // A second gateway without its own restart window follows ib.restartWindow; null turns it off for that one only.
    expect(gateways[1]?.restartWindow).toBe('23:40-00:15 America/New_York');
    const off = settingsSchema.parse({ gateways: [{ id: 'spouse', port: 4012, restartWindow: null }] });
    expect(gatewaysOf(off)[1]?.restartWindow).toBeNull();
    expect(gatewaysOf(off)[0]?.restartWindow).toBe('23:40-00:15 America/New_York');
  });

  it('names an unknown gateway id beside the account that names it', () => {
    const issues = issuesOf({
      gateways: [{ id: 'spouse', port: 4012 }],
      accounts: [account('DU111'), account('DU222', 'parent')],
    });
    expect(issues).toEqual([
      {
        path: 'accounts.1.gateway',
        message: 'gateway "parent" is not defined: add it under gateways, or use "default" (the ib block)',
      },
    ]);
  });

  it('refuses a gateway id used twice, and "default" (the ib block\'s)', () => {
    const issues = issuesOf({
      gateways: [
        { id: 'spouse', port: 4012 },
        { id: 'spouse', port: 4022 },
        { id: 'default', port: 4032 },
      ],
    });
    expect(issues).toEqual([
      { path: 'gateways.1.id', message: 'gateway id spouse is used twice' },
      { path: 'gateways.2.id', message: 'gateway id "default" is the ib block\'s: give this gateway another id' },
    ]);
  });

  it("refuses a gateway at another gateway's host and port", () => {
    const issues = issuesOf({ ib: { port: 4002 }, gateways: [{ id: 'spouse', port: 4002 }] });
    expect(issues).toEqual([
      {
        path: 'gateways.0.port',
        message: '127.0.0.1:4002 is already gateway default (the ib block): each login has its own gateway port',
      },
    ]);
  });

  it.each([
    [{ id: 'my spouse', port: 4012 }, 'gateways.0.id', 'must be a gateway id'],
    [{ id: 'spouse' }, 'gateways.0.port', 'must be a port between 1 and 65535'],
    [{ id: 'spouse', port: 99_999_999 }, 'gateways.0.port', 'must be a port between 1 and 65535'],
    [{ id: 'spouse', port: 4012, clientId: -1 }, 'gateways.0.clientId', 'must be a whole number from 0'],
    [{ id: 'spouse', port: 4012, restartWindow: '23:40' }, 'gateways.0.restartWindow', 'must be "HH:MM-HH:MM'],
  ])('rejects the gateway %j with its field named', (gateway, path, message) => {
    const issue = issuesOf({ gateways: [gateway] }).find((i) => i.path === path);
    expect(issue?.message).toContain(message);
  });

  it('defaults keep one gateway and no gateways list', () => {
    expect(defaultSettings().gateways).toBeUndefined();
    expect(gatewaysOf(defaultSettings()).map((g) => g.id)).toEqual(['default']);
  });
});
