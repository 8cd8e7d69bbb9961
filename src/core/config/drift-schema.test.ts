import { describe, expect, it } from 'vitest';
import { defaultSettings, settingsSchema } from './schema';
import { parseSettingsText } from './settings-store';

/** PRODUCT.md §20 drift monitor settings: the top-level `drift` block. */
describe('drift settings', () => {
  it('default to a check every 15 minutes, an alert above 5 % and no automatic rebalance', () => {
    expect(defaultSettings().drift).toEqual({ checkMinutes: 15, alertPercent: 5, autoRebalance: false });
  });

  it('take fractions of a minute, 0 to turn the monitor off, and a partial block completed with the defaults', () => {
    expect(settingsSchema.parse({ drift: { checkMinutes: 0.1 } }).drift).toEqual({
      checkMinutes: 0.1,
      alertPercent: 5,
      autoRebalance: false,
    });
    expect(settingsSchema.parse({ drift: { checkMinutes: 0, alertPercent: 2.5, autoRebalance: true } }).drift).toEqual({
      checkMinutes: 0,
      alertPercent: 2.5,
      autoRebalance: true,
    });
  });

  it.each([
    ['drift.checkMinutes', { checkMinutes: -1 }, 'must be a number of minutes from 0 (off) to 10080'],
    ['drift.checkMinutes', { checkMinutes: '15' }, 'must be a number of minutes from 0 (off) to 10080'],
    ['drift.alertPercent', { alertPercent: -5 }, 'must be a percentage above 0 and at most 100'],
    ['drift.alertPercent', { alertPercent: 0 }, 'must be a percentage above 0 and at most 100'],
    ['drift.alertPercent', { alertPercent: 'five' }, 'must be a percentage above 0 and at most 100'],
    ['drift.autoRebalance', { autoRebalance: 'yes' }, 'must be true or false'],
  ])('refuses %s = %j with a message naming the field', (path, drift, message) => {
    const parsed = parseSettingsText(JSON.stringify({ drift }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([{ path, message: expect.stringContaining(message) as string }]);
  });

  it('refuses a drift block that is not an object', () => {
    const parsed = parseSettingsText(JSON.stringify({ drift: 15 }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues[0]?.path).toBe('drift');
    expect(parsed.issues[0]?.message).toContain('must be an object of drift monitor settings');
  });
});
