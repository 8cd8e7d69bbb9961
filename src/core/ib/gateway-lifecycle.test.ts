import { afterEach, describe, expect, it } from 'vitest';
import { NOT_LOGGED_IN_REASON } from '../domain/errors';
import { IbError } from './ib-errors';
import { closeHarness, rejectionOf, startHarness, until, type Harness } from './test-harness.test-support';

let harness: Harness | null = null;

afterEach(async () => {
  const h = harness;
  harness = null;
  await closeHarness(h);
});

describe("IB Gateway's own troubles (PRODUCT.md §21)", () => {
  it('shows 1100 as a blocking problem in plain words and clears it on 1102', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    expect(client.status().problem).toBeNull();

    harness.gw.emitConnectivity(1100);
    await until(() => client.status().problem !== null, 2_000, 'the 1100 problem');
    expect(client.status().problem).toMatchObject({ code: 1100, blocking: true });
    expect(client.status().reason).toContain("IB Gateway lost its connection to IB's servers (1100)");
    expect(client.state).toBe('connected');

    harness.gw.emitConnectivity(1102);
    await until(() => client.status().problem === null, 2_000, 'the 1102 restore');
    expect(client.status().reason).toMatch(
      /^connected as client id \d+; IB Gateway is connected to IB again \(1102\)$/,
    );
  });

  it('shows 2110 as a non-blocking problem, cleared by 1101', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    harness.gw.emitConnectivity(2110);
    await until(() => client.status().problem !== null, 2_000, 'the 2110 problem');
    expect(client.status().problem).toMatchObject({ code: 2110, blocking: false });
    expect(client.status().problem?.reason).toContain('broken (2110)');

    harness.gw.emitConnectivity(1101);
    await until(() => client.status().problem === null, 2_000, 'the 1101 restore');
    expect(client.status().reason).toContain('market data was lost and is asked for afresh');
  });

  it('fails a quote during a competing live session (10197) with the plain reason, and clears it once prices flow', async () => {
    harness = await startHarness();
    const client = await harness.connect({ quoteTtlMs: 0 });
    harness.gw.setCompetingSession(true);
    const error = await rejectionOf(client.getQuotes(['SPY']));
    expect(error).toBeInstanceOf(IbError);
    expect((error as IbError).kind).toBe('transient');
    expect((error as IbError).code).toBe(10197);
    expect((error as IbError).message).toContain('a competing live session has the market data (10197)');
    expect(client.status().problem).toMatchObject({ code: 10197, blocking: false });

    harness.gw.setCompetingSession(false);
    const quotes = await client.getQuotes(['SPY']);
    expect(quotes.get('SPY')?.mark).toBeGreaterThan(0);
    expect(client.status().problem).toBeNull();
  });

  it('tells a gateway that is up but not logged in (no managed accounts), and sees the log-in', async () => {
    harness = await startHarness({ loggedIn: false });
    const client = await harness.connect();
    await until(() => client.status().problem !== null, 2_000, 'the not-logged-in problem');
    expect(client.status()).toMatchObject({
      state: 'connected',
      accounts: [],
      reason: NOT_LOGGED_IN_REASON,
      problem: { code: null, blocking: true, reason: NOT_LOGGED_IN_REASON },
    });

    harness.gw.setLoggedIn(true);
    await until(() => client.status().problem === null, 2_000, 'the log-in to be seen');
    expect(client.status().accounts).toEqual(['DU1000001', 'DU1000002']);
    expect(client.status().reason).toMatch(/^connected as client id \d+$/);
  });

  it('keeps a trouble that stops all work visible over a lesser notice, and 1102 does not log anybody in', async () => {
    harness = await startHarness({ loggedIn: false });
    const client = await harness.connect();
    await until(() => client.status().problem !== null, 2_000, 'the not-logged-in problem');
    harness.gw.setCompetingSession(true);
    harness.gw.emitConnectivity(2110);
    harness.gw.emitConnectivity(1102);
    await until(() => harness!.messages.some((m) => m.code === 1102), 2_000, 'the 1102 notice');
    expect(client.status().problem).toMatchObject({ code: null, blocking: true, reason: NOT_LOGGED_IN_REASON });
  });

  it('asks again for the managed accounts while nobody is logged in', async () => {
    harness = await startHarness({ loggedIn: false });
    const client = await harness.connect({ reconnectDelayMs: 100 });
    const asked = harness.gw.messageStats().byMsgId[17] ?? 0; // REQ_MANAGED_ACCTS
    await until(() => (harness!.gw.messageStats().byMsgId[17] ?? 0) > asked, 2_000, 'a new managed-accounts request');
    expect(client.status().problem?.code).toBeNull();
  });
});
