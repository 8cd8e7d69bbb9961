import { createContext, useContext } from 'react';

export interface SettingsFormApi {
  get(path: string): unknown;
  set(path: string, value: unknown): void;
  /**
   * The text the trader typed into the field at `path`, while the draft still holds what that text stands for (so a
   * box shows "1.50" or "-5" exactly as typed, not a re-formatted number); undefined otherwise.
   */
  typed(path: string): string | undefined;
  /** Keeps `text` as typed for the field at `path` and puts `value` (what it stands for) into the draft. */
  setTyped(path: string, text: string, value: unknown): void;
  /** The message to show beside a field: from validation as typed, else from the server's last answer. */
  error(path: string): string | undefined;
}

export const SettingsFormContext = createContext<SettingsFormApi | null>(null);

export function useSettingsForm(): SettingsFormApi {
  const form = useContext(SettingsFormContext);
  if (!form) throw new Error('settings fields must be inside the settings form');
  return form;
}
