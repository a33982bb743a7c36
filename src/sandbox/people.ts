import type { Db } from '../db/client.ts';
import { slackPeople } from '../domain/people/people.ts';
import type { SlackStandin } from '../slack-standin/standin.ts';

// The people of the company as the sandbox offers them ("who are you?"), and as the stand-in Slack
// knows them (users.info answers their name, language and time zone, as a workspace would).

export interface SandboxPerson {
  slackId: string;
  name: string;
  role: string;
  team: string | null;
  locale: string;
  timezone: string;
  active: boolean;
}

const roleOrder: Record<string, number> = { rep: 0, supervisor: 1, manager: 2, admin: 3 };

/** Everyone with a Slack id: reps first, then supervisors, managers, admins; by team and name. */
export async function sandboxPeople(db: Db): Promise<SandboxPerson[]> {
  return (await slackPeople(db))
    .map((p) => ({ slackId: p.slackId, name: p.name, role: p.role, team: p.unitName, locale: p.locale === 'zh-CN' ? 'zh-CN' : 'en-US', timezone: p.timezone, active: p.active }))
    .sort((a, b) => (roleOrder[a.role] ?? 9) - (roleOrder[b.role] ?? 9) || (a.team ?? '').localeCompare(b.team ?? '') || a.name.localeCompare(b.name));
}

/** Registers (or refreshes) every person as a user of the stand-in Slack. */
export async function syncStandinUsers(db: Db, standin: SlackStandin): Promise<SandboxPerson[]> {
  const people = await sandboxPeople(db);
  for (const p of people) standin.addUser({ id: p.slackId, name: p.name, locale: p.locale, tz: p.timezone });
  return people;
}
