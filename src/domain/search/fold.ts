// How a name and what someone types are made comparable: NFKC (full-width letters and digits become
// half-width), lower case, traditional characters common in shop and people's names folded to their
// simplified form (麵 → 面), and the words split where the text has spaces, punctuation or symbols
// (`·` in 欧阳·娜娜, the apostrophe of Qian's, the brackets of a branch name).

const NOISE = /[\s\p{P}\p{S}\p{Cc}\p{Cf}]+/u;
const HAN = /\p{Script=Han}/u;
const LATIN_ACCENT = /(\p{Script=Latin})\p{M}+/gu;

// Traditional → simplified, only the characters that differ and are common in the names of shops,
// companies and people; anything rarer still matches through its pinyin, which is the same.
const TRADITIONAL = [
  '麵面 麪面 館馆 龍龙 鳳凤 華华 國国 東东 門门 長长 樂乐 萬万 豐丰 點点 燒烧 雞鸡 飯饭 魚鱼 湯汤 鮮鲜 蝦虾 餅饼 飲饮 廳厅',
  '廣广 場场 車车 電电 藥药 業业 買买 賣卖 貨货 鋪铺 號号 記记 樓楼 閣阁 灣湾 風风 雲云 義义 興兴 發发 寶宝 貴贵 會会 現现',
  '時时 間间 來来 學学 書书 髮发 藝艺 術术 體体 壽寿 齋斋 園园 滬沪 蘇苏 漢汉 陽阳 廈厦 臺台 韓韩 歐欧 羅罗 劉刘 陳陈 張张',
  '楊杨 黃黄 趙赵 吳吴 孫孙 馬马 鄭郑 謝谢 許许 馮冯 鄧邓 蔣蒋 葉叶 呂吕 鍾钟 譚谭 陸陆 錢钱 嚴严 顧顾 龔龚 鐵铁 銀银 錦锦',
  '繡绣 紅红 綠绿 藍蓝 麥麦 滷卤 鹵卤 醬酱 餃饺 粵粤 燉炖 鍋锅 爐炉 燈灯 廚厨 齒齿 醫医 診诊 療疗 機机 鐘钟 錶表 鏡镜 裝装',
  '襪袜 帶带 傳传 統统 紀纪 線线 網网 級级 優优 質质 價价 專专 賓宾 驛驿 務务 蘭兰 麗丽 農农 產产 聯联 匯汇 團团 隊队 億亿',
  '達达 運运 遠远 邊边 嶺岭 島岛 橋桥 莊庄 鎮镇 縣县 區区 鄉乡 條条 飄飘 鵝鹅 鴨鸭 豬猪 涼凉 熱热 燴烩 燜焖 雜杂 糧粮 壹一',
  '貳二 師师 薑姜 蔥葱 蘿萝 蔔卜 燭烛 鹽盐 飼饲 廠厂 鋼钢 煉炼 構构 創创 築筑 設设 計计 開开 關关 內内 圓圆 貿贸 進进',
  '順顺 聖圣 雙双 鮑鲍 鰻鳗 麼么 滿满 鄰邻 倫伦 瑪玛 彎弯 廟庙',
].join(' ');
const SIMPLIFIED = new Map<string, string>(TRADITIONAL.split(' ').map((pair) => [...pair] as [string, string]));
const TRADITIONAL_CHARS = new RegExp(`[${[...SIMPLIFIED.keys()].join('')}]`, 'u');
const ACCENTED = /[\u00c0-\u024f\u1e00-\u1eff]/;

export const isHan = (ch: string): boolean => HAN.test(ch);

/** NFKC, lower case, traditional characters folded; punctuation and spaces kept (see `words`). */
export function foldText(text: string): string {
  let plain = text.normalize('NFKC').toLowerCase();
  // Accents on Latin letters go too (café → cafe): nobody types them on a phone in a hurry.
  if (ACCENTED.test(plain)) plain = plain.normalize('NFD').replace(LATIN_ACCENT, '$1').normalize('NFC');
  if (!TRADITIONAL_CHARS.test(plain)) return plain;
  let out = '';
  for (const ch of plain) out += SIMPLIFIED.get(ch) ?? ch;
  return out;
}

/** The folded text's words (split at spaces, punctuation and symbols), empty ones dropped. */
export const words = (text: string): string[] => foldText(text).split(NOISE).filter(Boolean);

/** The folded text without spaces, punctuation or symbols: what is compared character by character. */
export const squeezed = (text: string): string => words(text).join('');
