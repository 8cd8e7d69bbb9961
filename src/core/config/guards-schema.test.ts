import { describe, expect, it } from 'vitest';
import { defaultSettings, settingsSchema } from './schema';
import { parseSettingsText } from './settings-store';

/** PRODUCT.md §21 settings: `ib.restartWindow`. */
describe('ib.restartWindow', () => {
  it("defaults to IB Gateway's nightly restart, 23:40-00:15 New York time", () => {
    expect(defaultSettings().ib.restartWindow).toBe('23:40-00:15 America/New_York');
  });

  it('takes another window, or null to turn the guard off', () => {
    expect(settingsSchema.parse({ ib: { restartWindow: '05:00-05:30 Europe/Zurich' } }).ib.restartWindow).toBe(
      '05:00-05:30 Europe/Zurich',
    );
    expect(settingsSchema.parse({ ib: { restartWindow: null } }).ib.restartWindow).toBeNull();
  });

  it.each([
    ['23:40 America/New_York', 'must be "HH:MM-HH:MM Time/Zone", e.g. "23:40-00:15 America/New_York"'],
    ['23:40-00:15 New York', 'must be "HH:MM-HH:MM Time/Zone"'],
    ['23:40-00:15 Atlantis/Capital', 'unknown time zone "Atlantis/Capital"'],
    ['23:40-24:15 America/New_York', 'the end time 24:15 is not a time of day'],
  ])('rejects %j against the field with a clear message', (restartWindow, message) => {
    const parsed = parseSettingsText(JSON.stringify({ ib: { restartWindow } }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const issue = parsed.issues.find((i) => i.path === 'ib.restartWindow');
    expect(issue?.message).toContain(message);
  });
});
