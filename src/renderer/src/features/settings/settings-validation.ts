import { settingsSchema } from '../../../../shared/settings-schema';
import { issueKey } from './settings-paths';

/** Problems with a settings draft, by dotted field path (first message per field). */
export function validateSettings(settings: unknown): Record<string, string> {
  const result = settingsSchema.safeParse(settings);
  if (result.success) return {};
  const issues: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issueKey(issue.path);
    issues[key] ??= issue.message;
  }
  return issues;
}
