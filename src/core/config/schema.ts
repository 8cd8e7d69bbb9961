/**
 * The settings schema lives in src/shared/settings-schema.ts, where the Settings page reads it too (the renderer imports
 * only src/shared). This name stays for the core's many `../config/schema` imports.
 */
export * from '../../shared/settings-schema';
