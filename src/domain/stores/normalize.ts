// Keys for duplicate detection and prefix search of store names and phone numbers.

// Whitespace, punctuation and symbols (including Chinese punctuation such as （）·，。、), plus
// invisible control/format characters (zero-width spaces pasted from chat apps).
const NOISE = '[\\s\\p{P}\\p{S}\\p{Cc}\\p{Cf}]';
const ALL_NOISE = new RegExp(`${NOISE}+`, 'gu');
const TRAILING_NOISE = new RegExp(`${NOISE}+$`, 'u');

// Chinese suffixes may be written with spaces inside ("有限 公司"); the key must not depend on that.
const spaced = (word: string) => [...word].join(`${NOISE}*`);
const CHINESE_SUFFIX = new RegExp(
  `(?:${['股份有限公司', '有限责任公司', '有限公司'].map(spaced).join('|')}|(?<!分${NOISE}*)${spaced('公司')})$`,
  'u',
);
// Whole words only: "Sunnyinc" and "Zinc" keep their ending. "co" also covers "co." and "co., ltd".
const ENGLISH_SUFFIX = /(?<![\p{Script=Latin}\p{N}])(?:corporation|company|limited|corp|inc|llc|ltd|co)$/u;

const fold = (text: string) => text.normalize('NFKC').toLowerCase();
const squeeze = (text: string) => text.replace(ALL_NOISE, '');

/** The name without company-form suffixes (有限公司, Co., Ltd. …), for duplicates and prefix search. */
export function nameKey(name: string): string {
  const folded = fold(name);
  let rest = folded;
  for (;;) {
    rest = rest.replace(TRAILING_NOISE, '');
    const suffix = CHINESE_SUFFIX.exec(rest) ?? ENGLISH_SUFFIX.exec(rest);
    if (!suffix) break;
    rest = rest.slice(0, suffix.index);
  }
  // A name that is nothing but a suffix ("公司") keeps it rather than matching every other such name.
  return squeeze(rest) || squeeze(folded);
}

/** Digits only, without the +86 / 0086 / 86 before a mainland mobile number; null if too short. */
export function phoneKey(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.normalize('NFKC').replace(/\D/g, '');
  const mobile = /^(?:0086|86)(1\d{10})$/.exec(digits);
  const key = mobile ? mobile[1]! : digits;
  return key.length >= 5 ? key : null;
}

/** What a user typed into a search box, normalised like nameKey but keeping any suffix. */
export function searchKey(text: string): string {
  return squeeze(fold(text));
}
