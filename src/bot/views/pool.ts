import { DAY_MS } from '../../domain/clock.ts';
import type { PoolUsage } from '../../domain/pools/cap.ts';
import { formatDate } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { capBlocks, context, cut, esc, header, limits, section, type Block } from '../blocks/kit.ts';
import { t } from '../i18n/index.ts';

// `/crm pool`: my private stores, protection ending first, with how long each stays mine.

export interface PoolStore {
  id: number;
  code: string;
  name: string;
  protectedUntil: Date | null;
  isCustomer: boolean;
}

/** Stores per section: short enough that a section never nears 3000 characters. */
const PER_SECTION = 15;
/** Stores one message lists; the rest are counted ("…and N more"). */
export const POOL_LIST_MAX = 150;

function protection(reader: Reader, s: PoolStore, now: Date): string {
  if (s.isCustomer) return t(reader, 'mypool.customer');
  if (!s.protectedUntil) return t(reader, 'common.none');
  const until = formatDate(s.protectedUntil, reader.timezone);
  if (s.protectedUntil <= now) return t(reader, 'mypool.ended', { until });
  const days = Math.floor((s.protectedUntil.getTime() - now.getTime()) / DAY_MS);
  return days >= 1 ? t(reader, 'mypool.left', { days, until }) : t(reader, 'mypool.ends_today', { until });
}

/**
 * The list, `total` being how many stores I own (more than `stores` when cut). Within 50 blocks,
 * each section within 3000 characters.
 */
export function poolMessage(reader: Reader, stores: PoolStore[], total: number, usage: PoolUsage, now: Date): { text: string; blocks: Block[] } {
  const blocks: Block[] = [
    header(t(reader, 'mypool.header')),
    section(
      usage.customers > 0
        ? t(reader, 'today.usage_customers', { held: usage.held, cap: usage.cap, customers: usage.customers })
        : t(reader, 'today.usage', { held: usage.held, cap: usage.cap }),
    ),
  ];
  if (total === 0) blocks.push(section(t(reader, 'mypool.empty')));
  const shown = stores.slice(0, POOL_LIST_MAX);
  for (let i = 0; i < shown.length; i += PER_SECTION) {
    const lines = shown.slice(i, i + PER_SECTION).map((s) =>
      t(reader, 'mypool.line', { store: esc(cut(s.name.replace(/\s+/g, ' '), 80)), code: esc(s.code), protection: protection(reader, s, now) }),
    );
    blocks.push(section(lines.join('\n')));
  }
  if (total > shown.length) blocks.push(context([t(reader, 'today.more', { count: total - shown.length })]));
  return {
    text: t(reader, 'mypool.text', { held: usage.held, cap: usage.cap }),
    blocks: capBlocks(blocks, limits.messageBlocks, (n) => t(reader, 'today.more', { count: n })),
  };
}
