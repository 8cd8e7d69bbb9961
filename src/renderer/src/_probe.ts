import { settingsSchema } from '../../core/config/schema';
export const x = settingsSchema;
