import type { EventStatus } from '../../../../shared/dto';

/** The badge colour of each event status: the Queue's section counts and the event drawer say it alike. */
export const STATUS_COLORS: Record<EventStatus, string> = {
  pending: 'gray',
  awaiting: 'yellow',
  active: 'blue',
  delayed: 'yellow',
  held: 'gray',
  done: 'green',
};
