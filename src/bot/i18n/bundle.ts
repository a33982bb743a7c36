/** One bundle per feature, each complete in both languages (test/unit/bot/i18n.test.ts checks). */
export interface Bundle {
  en: Record<string, string>;
  'zh-CN': Record<string, string>;
}
