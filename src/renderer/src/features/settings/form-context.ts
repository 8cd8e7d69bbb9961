import { createContext, useContext } from 'react';

export interface SettingsFormApi {
  get(path: string): unknown;
  set(path: string, value: unknown): void;
  /** The message to show beside a field: from validation as typed, else from the server's last answer. */
  error(path: string): string | undefined;
}

export const SettingsFormContext = createContext<SettingsFormApi | null>(null);

export function useSettingsForm(): SettingsFormApi {
  const form = useContext(SettingsFormContext);
  if (!form) throw new Error('settings fields must be inside the settings form');
  return form;
}
