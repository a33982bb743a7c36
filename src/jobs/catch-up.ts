/**
 * Of a window of several slots of a frequent job (after downtime), only the first and the latest: the
 * latest does all the work there is (a job whose work is worked out from the rows, not from its slot:
 * approval reminders, away periods), the first says when the job runs next; the slots between would
 * only be JobRun rows saying "superseded".
 */
export const firstAndLatest = (slots: Date[]): Date[] => (slots.length > 2 ? [slots[0]!, slots.at(-1)!] : slots);
