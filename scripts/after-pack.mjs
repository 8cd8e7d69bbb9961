/**
 * electron-builder afterPack hook (PRODUCT.md §18): flips the packaged Electron binary's fuses, right after packing
 * and before signing (flipping changes the binary, so it must come before the signature).
 *
 * - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS cannot inject code into the app.
 * - EnableNodeCliInspectArguments off: `--inspect` cannot attach a debugger to the main process (and its secrets).
 * - EnableEmbeddedAsarIntegrityValidation + OnlyLoadAppFromAsar on: the app runs only from its app.asar, as packed
 *   (integrity checked on macOS and Windows).
 * - EnableCookieEncryption on: cookies encrypted at rest with the OS keychain key.
 * - RunAsNode stays on — only because the embedded Redis' watchdog still needs it: it is the app's own executable
 *   run with ELECTRON_RUN_AS_NODE=1 in that child's environment (src/core/redis/redis-server.ts). Turn it off as
 *   soon as the watchdog no longer runs that way (test/packaging/electron-fuses.test.ts checks the two together).
 */
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/** Whether the embedded Redis' watchdog runs the app's executable as Node (see the header). */
export const WATCHDOG_RUNS_AS_NODE = true;

/** The fuses of the packaged app, by @electron/fuses option. */
export const FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: WATCHDOG_RUNS_AS_NODE,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

/**
 * The fuse configuration for one packed platform: FUSES, and on macOS the ad-hoc signature reset so an unsigned arm64
 * build still starts (a signed build is signed again after this hook anyway).
 */
export function fuseConfigFor(electronPlatformName) {
  return { ...FUSES, resetAdHocDarwinSignature: electronPlatformName === 'darwin' || electronPlatformName === 'mas' };
}

/** The hook: electron-builder finds the packed executable and flips its fuses with @electron/fuses. */
export default async function afterPack(context) {
  await context.packager.addElectronFuses(context, fuseConfigFor(context.electronPlatformName));
}
