/** The slice of a pino logger the queue uses, and the log of unreadable records (each reported once). */

export interface QueueLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const noopLog: QueueLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Logs an unreadable record once per event and reason, however often it is read. */
export class BadRecords {
  private readonly reported = new Set<string>();

  constructor(private readonly log: QueueLog) {}

  report(ids: string[], reason: string): void {
    for (const id of ids) {
      const key = `${id}\n${reason}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.log.error({ eventId: id, reason }, `event ${id}: unreadable record in Redis (${reason})`);
    }
  }
}
