import type { FuseConfig } from '@electron/fuses';

export declare const WATCHDOG_RUNS_AS_NODE: boolean;
export declare const FUSES: FuseConfig;
export declare function fuseConfigFor(electronPlatformName: string): FuseConfig;
export default function afterPack(context: {
  electronPlatformName: string;
  packager: { addElectronFuses(context: unknown, fuses: FuseConfig): Promise<unknown> };
}): Promise<void>;
