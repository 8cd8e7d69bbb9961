/**
 * §18: the packaged app's Electron fuses, set by the electron-builder afterPack hook (scripts/after-pack.mjs), and
 * the hook wired in electron-builder.yml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion, type FuseConfig } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import afterPack, { FUSES, fuseConfigFor, WATCHDOG_RUNS_AS_NODE } from '../../scripts/after-pack.mjs';

const ROOT = join(import.meta.dirname, '../..');

describe('the packaged app’s fuses', () => {
  it('turn off NODE_OPTIONS and --inspect, and load the app only from an intact app.asar with encrypted cookies', () => {
    expect(FUSES).toMatchObject({
      version: FuseVersion.V1,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
    });
  });

  it('keep RunAsNode only while the embedded Redis watchdog runs the app as Node', () => {
    const watchdog = readFileSync(join(ROOT, 'src/core/redis/redis-server.ts'), 'utf8');
    expect(WATCHDOG_RUNS_AS_NODE).toBe(/ELECTRON_RUN_AS_NODE: '1'/.test(watchdog));
    expect(FUSES[FuseV1Options.RunAsNode]).toBe(WATCHDOG_RUNS_AS_NODE);
  });

  it('are flipped by the afterPack hook on the packed executable, resetting the ad-hoc signature on macOS', async () => {
    const calls: { context: unknown; fuses: FuseConfig }[] = [];
    const packager = {
      addElectronFuses: async (context: unknown, fuses: FuseConfig) => void calls.push({ context, fuses }),
    };
    const linux = { electronPlatformName: 'linux', appOutDir: '/x', packager };
    await afterPack(linux);
    const mac = { electronPlatformName: 'darwin', appOutDir: '/y', packager };
    await afterPack(mac);
    expect(calls).toEqual([
      { context: linux, fuses: { ...FUSES, resetAdHocDarwinSignature: false } },
      { context: mac, fuses: { ...FUSES, resetAdHocDarwinSignature: true } },
    ]);
    expect(fuseConfigFor('win32')).toEqual({ ...FUSES, resetAdHocDarwinSignature: false });
  });

  it('is the afterPack hook of electron-builder.yml', () => {
    const config = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
    expect(config).toMatch(/^afterPack: \.\/scripts\/after-pack\.mjs$/m);
  });
});
