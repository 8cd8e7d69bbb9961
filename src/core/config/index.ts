export * from './schema';
export * from './secrets';
export * from './settings-store';
export * from './data-dir';
export * from './masking';
