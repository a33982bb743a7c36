/**
 * A view submission's key for `once` (src/domain/once.ts): the view, as it was shown (its id and
 * hash; the hash changes when the view is updated, e.g. to a "Create anyway" step). Not what was
 * typed: a second submission of the same view with edited values (a double click while the first one
 * is on its way) is the same submission, and takes no effect. A submission that failed released its
 * key, so corrected values go through.
 */
export const submissionKey = (view: { id: string; hash?: string | null }): string => `view:${view.id}:${view.hash ?? ''}`;
