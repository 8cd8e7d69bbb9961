import { describe, expect, it } from 'vitest';
import {
  classifyIbError,
  DeskError,
  ibError,
  invalidError,
  isDeskError,
  isIbWarning,
  marketClosedError,
  toDeskError,
} from './errors';

describe('classifyIbError', () => {
  it.each([
    [201, 'rejected'],
    [202, 'rejected'],
    [203, 'rejected'],
    [321, 'rejected'],
    [387, 'rejected'],
    [460, 'rejected'],
    [10148, 'rejected'],
    [10243, 'rejected'],
    [200, 'invalid'],
    [100, 'transient'],
    [162, 'transient'],
    [326, 'transient'],
    [354, 'transient'],
    [366, 'transient'],
    [502, 'transient'],
    [504, 'transient'],
    [1100, 'transient'],
    [1101, 'transient'],
    [2110, 'transient'],
    [10147, 'transient'],
    [10167, 'transient'],
    [10168, 'transient'],
    [99999, 'transient'],
  ] as const)('classifies code %i as %s', (code, kind) => {
    expect(classifyIbError(code, 'any text')).toBe(kind);
  });

  it('goes by the code, never by the text', () => {
    expect(classifyIbError(201, 'connection lost, timeout')).toBe('rejected');
    expect(classifyIbError(1100, 'Order rejected - insufficient buying power')).toBe('transient');
  });
});

describe('isIbWarning', () => {
  it('treats farm-OK notices as warnings and farm-broken ones as failures', () => {
    expect(isIbWarning(2104)).toBe(true);
    expect(isIbWarning(2158)).toBe(true);
    expect(isIbWarning(2110)).toBe(false);
    expect(isIbWarning(201)).toBe(false);
  });
});

describe('DeskError', () => {
  it('keeps the IB code and the kind of the code', () => {
    const error = ibError(201, 'Order rejected - reason: insufficient buying power');
    expect(error).toBeInstanceOf(DeskError);
    expect(error).toMatchObject({ kind: 'rejected', code: 201, name: 'DeskError' });
    expect(error.message).toContain('201');
  });

  it('carries the next open on a market-closed error', () => {
    const open = new Date('2026-11-30T14:30:00Z');
    expect(marketClosedError('market closed', open)).toMatchObject({ kind: 'market-closed', retryAt: open });
  });

  it('turns anything thrown into a transient error and passes DeskErrors through', () => {
    const invalid = invalidError('bad');
    expect(toDeskError(invalid)).toBe(invalid);
    expect(toDeskError(new Error('socket hang up'))).toMatchObject({ kind: 'transient', message: 'socket hang up' });
    expect(toDeskError('boom')).toMatchObject({ kind: 'transient', message: 'boom' });
    expect(isDeskError(new Error('x'))).toBe(false);
  });
});
