/**
 * The drift monitor's targets of an account (§20), read as a preview reads them (allocation API, replacement set
 * applied); when the API cannot be read, the weights the account was last rebalanced to, with a warning. With neither,
 * the allocation API's error stands.
 */
import type { Logger } from 'pino';
import type { AccountSettings, Settings } from '../config/schema';
import type { CommandDeps } from '../processor/command-deps';
import type { AllocationClient } from '../allocations/allocation-client';
import { targetsFor, weightsByTarget } from '../processor/planning';

export interface DriftTargetSources {
  allocations: { getAllocations: AllocationClient['getAllocations'] };
  settings: () => Settings;
  accountState: CommandDeps['accountState'];
  log: Pick<Logger, 'warn'>;
}

export async function driftTargets(
  sources: DriftTargetSources,
  account: AccountSettings,
): Promise<Record<string, number>> {
  try {
    const targets = await targetsFor(
      { allocations: sources.allocations, settings: sources.settings, accountState: sources.accountState },
      account,
    );
    return weightsByTarget(targets.allocations);
  } catch (error) {
    const last = (await sources.accountState.get(account.accountId)).lastTargetWeights;
    if (!last) throw error;
    sources.log.warn(
      { tag: 'drift', accountId: account.accountId, err: (error as Error).message },
      'allocations not read; drift measured against the last rebalanced-to weights',
    );
    return last;
  }
}
