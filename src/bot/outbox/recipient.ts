import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/org/roles.ts';
import { actorById } from '../../domain/people/people.ts';
import { loadSettings } from '../../domain/settings/settings.ts';
import { toLocale, type Reader } from '../../i18n/index.ts';
import { knownSlackLocale } from '../context.ts';

/**
 * The person a notice is for, and how to speak to them: their chosen language, else the one their
 * Slack client last showed, else English; their time zone, else the company's.
 */
export async function recipientOf(db: Db, personId: number): Promise<{ actor: Actor; reader: Reader; slackId: string | null }> {
  const actor = await actorById(db, personId);
  const person = await db.person.findUniqueOrThrow({ where: { id: personId }, select: { slackId: true } });
  const settings = await loadSettings(db);
  const reader: Reader = { locale: toLocale(actor.locale ?? (person.slackId && knownSlackLocale(person.slackId))), timezone: actor.timezone ?? settings.timezone };
  return { actor, reader, slackId: person.slackId };
}
