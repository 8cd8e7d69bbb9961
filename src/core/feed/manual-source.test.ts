import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../config/schema';
import { InvalidEventError, buildManualEvent, validateFeedData } from './manual-source';

const settings = settingsSchema.parse({
  tradingMode: 'paper',
  accounts: [{ accountId: 'DU123456', strategy: 'etf-blend-200-35' }],
});

describe('validateFeedData', () => {
  it('accepts object data and the same as a JSON string', () => {
    const data = { exec: 'rebalance', eventId: '9f1c' };
    expect(validateFeedData(data)).toEqual({ ok: true, exec: 'rebalance', eventId: '9f1c', data });
    expect(validateFeedData(JSON.stringify(data))).toEqual({ ok: true, exec: 'rebalance', eventId: '9f1c', data });
  });

  it('leaves a missing or null eventId to the caller', () => {
    expect(validateFeedData({ exec: 'print-equity' })).toMatchObject({ ok: true, eventId: null });
    expect(validateFeedData({ exec: 'print-equity', eventId: null })).toMatchObject({ ok: true, eventId: null });
  });

  it.each([
    [undefined, /got nothing/],
    [true, /got a boolean/],
    [new Uint8Array([1, 2]), /got binary data/],
    [{ exec: 'rebalance', eventId: 'a b' }, /spaces or control characters/],
    [{ exec: 'rebalance', eventId: 'x'.repeat(201) }, /longer than 200/],
    ['x'.repeat(70_000), /larger than 64 KiB/],
    [{ exec: 'REBALANCE' }, /unknown exec "REBALANCE" \(expected one of rebalance, print-rebalance/],
  ])('rejects %#', (data, reason) => {
    const check = validateFeedData(data);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });

  it('never throws on hostile input', () => {
    const cyclic: Record<string, unknown> = { exec: 'rebalance' };
    cyclic.self = cyclic;
    expect(validateFeedData(cyclic)).toEqual({ ok: false, reason: 'data cannot be represented as JSON' });
    expect(validateFeedData(Object.create({ exec: 'rebalance' }))).toMatchObject({ ok: false });
  });
});

describe('buildManualEvent', () => {
  it('builds an event for a known account with a new UUID and the account strategy', () => {
    const event = buildManualEvent({ accountId: 'DU123456', command: 'print-positions', source: 'manual' }, settings);
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      eventId: event.id,
      accountId: 'DU123456',
      command: 'print-positions',
      strategy: 'etf-blend-200-35',
      source: 'manual',
      payload: {},
    });
    const api = buildManualEvent(
      { accountId: 'DU123456', command: 'rebalance', payload: { note: 'x' }, source: 'api' },
      settings,
    );
    expect(api).toMatchObject({ source: 'api', payload: { note: 'x' } });
    expect(api.id).not.toBe(event.id);
  });

  it('throws an invalid error naming an unknown command', () => {
    expect(() => buildManualEvent({ accountId: 'DU123456', command: 'dance', source: 'api' }, settings)).toThrow(
      /unknown command "dance"/,
    );
    try {
      buildManualEvent({ accountId: 'DU123456', command: 'dance', source: 'api' }, settings);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).code).toBe('invalid');
    }
  });

  it('throws for an account not in the settings or a bad payload', () => {
    expect(() => buildManualEvent({ accountId: 'DU999999', command: 'rebalance', source: 'manual' }, settings)).toThrow(
      'account DU999999 is not in the settings',
    );
    expect(() =>
      buildManualEvent(
        { accountId: 'DU123456', command: 'rebalance', payload: { eventId: 5 }, source: 'manual' },
        settings,
      ),
    ).toThrow('"eventId" must be a string, got a number');
    expect(() =>
      buildManualEvent(
        {
          accountId: 'DU123456',
          command: 'rebalance',
          payload: [] as unknown as Record<string, unknown>,
          source: 'manual',
        },
        settings,
      ),
    ).toThrow('payload must be a JSON object');
  });
});
