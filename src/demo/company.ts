// The demo company that `npm start` loads into an empty database in sandbox mode: a Hangzhou city
// unit with two areas of two teams each, eighteen people (Chinese and English names, zh-CN and en),
// six regions over the city and about 500 stores. This file is the data only, in the org-import file
// format (src/domain/imports/org-import.ts); src/demo/seed.ts loads it and plays 60 days of history.
import { nameKey } from '../domain/stores/normalize.ts';
import { pointInRing, type LngLat } from '../domain/geo/polygon.ts';
import { rng, type Rng } from './random.ts';

export const DEMO_TIMEZONE = 'Asia/Shanghai';
/** The same company on every start: everything random in the demo comes from this seed. */
export const DEMO_SEED = 20261122;

/** Console sign-in of the demo admin. The demo only loads when no real Slack token is set. */
export const DEMO_ADMIN = { email: 'admin@demo.seaboard', password: 'seaboard-demo' } as const;
/** Console sign-in of the demo city manager (same password). */
export const DEMO_MANAGER = { email: 'manager@demo.seaboard', password: 'seaboard-demo' } as const;

export interface DemoUnit {
  key: string;
  name: string;
  parent?: string;
  lead?: string;
}

export interface DemoPerson {
  slackId: string;
  name: string;
  role: 'rep' | 'supervisor' | 'manager' | 'admin';
  unit?: string;
  email: string;
  locale: 'en' | 'zh-CN';
  timezone: string;
}

export interface DemoRegion {
  key: string;
  name: string;
  unit: string;
  polygon: LngLat[];
  /** Street names of the region (Chinese, English) and its district, for addresses. */
  district: [string, string];
  roads: [string, string][];
  /** Branch names used in chain-store names ("（湖滨店）"). */
  branches: [string, string][];
  stores: number;
}

export interface DemoStore {
  name: string;
  phone: string;
  address: string;
  lng: number;
  lat: number;
  source: string;
  /** Region key (the import places the store by its point; kept here for the seed's choices). */
  region: string;
  contact: { name: string; title: string; phone: string } | null;
  /** The rep who already works it (Slack id): the private pools the company starts with. */
  owner: string | null;
}

// ---- org --------------------------------------------------------------------------------------

export const demoUnits: DemoUnit[] = [
  { key: 'hz', name: '杭州 Hangzhou', lead: 'U0DEMOMGR1' },
  { key: 'hz-west', name: '西湖片区 West Lake area', parent: 'hz' },
  { key: 'hz-west-wulin', name: '武林组 Team Wulin', parent: 'hz-west', lead: 'U0DEMOSUP1' },
  { key: 'hz-west-xixi', name: '西溪组 Team Xixi', parent: 'hz-west', lead: 'U0DEMOSUP2' },
  { key: 'hz-east', name: '钱塘片区 Qiantang area', parent: 'hz' },
  { key: 'hz-east-binjiang', name: '滨江组 Team Binjiang', parent: 'hz-east', lead: 'U0DEMOSUP3' },
  { key: 'hz-east-xiasha', name: '下沙组 Team Xiasha', parent: 'hz-east', lead: 'U0DEMOSUP4' },
];

const person = (slackId: string, name: string, role: DemoPerson['role'], unit: string | undefined, email: string, locale: DemoPerson['locale']): DemoPerson => ({
  slackId,
  name,
  role,
  ...(unit ? { unit } : {}),
  email: `${email}@demo.seaboard`,
  locale,
  timezone: DEMO_TIMEZONE,
});

export const demoPeople: DemoPerson[] = [
  person('U0DEMOADM1', 'Alex Morgan', 'admin', undefined, 'admin', 'en'),
  person('U0DEMOMGR1', '王芳', 'manager', 'hz', 'manager', 'zh-CN'),
  person('U0DEMOSUP1', '韩梅梅', 'supervisor', 'hz-west-wulin', 'han.meimei', 'zh-CN'),
  person('U0DEMOSUP2', 'Olivia Brown', 'supervisor', 'hz-west-xixi', 'olivia.brown', 'en'),
  person('U0DEMOSUP3', '赵磊', 'supervisor', 'hz-east-binjiang', 'zhao.lei', 'zh-CN'),
  person('U0DEMOSUP4', 'Daniel King', 'supervisor', 'hz-east-xiasha', 'daniel.king', 'en'),
  person('U0DEMOREP01', '李雷', 'rep', 'hz-west-wulin', 'li.lei', 'zh-CN'),
  person('U0DEMOREP02', 'Sam Carter', 'rep', 'hz-west-wulin', 'sam.carter', 'en'),
  person('U0DEMOREP03', '刘洋', 'rep', 'hz-west-wulin', 'liu.yang', 'zh-CN'),
  person('U0DEMOREP04', '孙丽', 'rep', 'hz-west-xixi', 'sun.li', 'zh-CN'),
  person('U0DEMOREP05', 'Emma Wilson', 'rep', 'hz-west-xixi', 'emma.wilson', 'en'),
  person('U0DEMOREP06', '陈杰', 'rep', 'hz-west-xixi', 'chen.jie', 'zh-CN'),
  person('U0DEMOREP07', '张伟', 'rep', 'hz-east-binjiang', 'zhang.wei', 'zh-CN'),
  person('U0DEMOREP08', 'Grace Hall', 'rep', 'hz-east-binjiang', 'grace.hall', 'en'),
  person('U0DEMOREP09', '林晓燕', 'rep', 'hz-east-binjiang', 'lin.xiaoyan', 'zh-CN'),
  person('U0DEMOREP10', '黄浩', 'rep', 'hz-east-xiasha', 'huang.hao', 'zh-CN'),
  person('U0DEMOREP11', 'Lucas Green', 'rep', 'hz-east-xiasha', 'lucas.green', 'en'),
  person('U0DEMOREP12', '吴静', 'rep', 'hz-east-xiasha', 'wu.jing', 'zh-CN'),
];

// ---- regions ----------------------------------------------------------------------------------
// Each team works its own region and, with the other team of its area, the area's shared region
// (PRODUCT.md: the regions of a team are those of its unit and of the units above it).

export const demoRegions: DemoRegion[] = [
  {
    key: 'xixi',
    name: '西溪 Xixi',
    unit: 'hz-west-xixi',
    polygon: [[120.05, 30.17], [120.125, 30.16], [120.125, 30.39], [120.07, 30.385], [120.05, 30.31], [120.058, 30.24]],
    district: ['西湖区', 'Xihu District'],
    roads: [['文一西路', 'Wenyi West Road'], ['天目山路', 'Tianmushan Road'], ['五常大道', 'Wuchang Avenue'], ['紫金港路', 'Zijingang Road'], ['西溪路', 'Xixi Road'], ['古墩路', 'Gudun Road']],
    branches: [['西溪', 'Xixi'], ['紫金港', 'Zijingang'], ['五常', 'Wuchang'], ['西溪印象城', 'Xixi Mall']],
    stores: 80,
  },
  {
    key: 'wulin',
    name: '武林 Wulin',
    unit: 'hz-west-wulin',
    polygon: [[120.125, 30.27], [120.215, 30.27], [120.215, 30.37], [120.19, 30.395], [120.125, 30.39]],
    district: ['拱墅区', 'Gongshu District'],
    roads: [['武林路', 'Wulin Road'], ['延安路', "Yan'an Road"], ['体育场路', 'Tiyuchang Road'], ['莫干山路', 'Moganshan Road'], ['湖墅南路', 'Hushu South Road'], ['凤起路', 'Fengqi Road']],
    branches: [['武林', 'Wulin'], ['湖墅', 'Hushu'], ['大关', 'Daguan'], ['运河', 'Grand Canal']],
    stores: 85,
  },
  {
    key: 'westlake',
    name: '西湖 West Lake',
    unit: 'hz-west',
    polygon: [[120.125, 30.16], [120.215, 30.16], [120.215, 30.27], [120.125, 30.27]],
    district: ['上城区', 'Shangcheng District'],
    roads: [['湖滨路', 'Hubin Road'], ['南山路', 'Nanshan Road'], ['解放路', 'Jiefang Road'], ['平海路', 'Pinghai Road'], ['文三路', 'Wensan Road'], ['教工路', 'Jiaogong Road']],
    branches: [['湖滨', 'Hubin'], ['南山', 'Nanshan'], ['吴山', 'Wushan'], ['文三', 'Wensan']],
    stores: 95,
  },
  {
    key: 'qianjiang',
    name: '钱江新城 Qianjiang CBD',
    unit: 'hz-east',
    polygon: [[120.215, 30.22], [120.29, 30.22], [120.29, 30.33], [120.215, 30.33]],
    district: ['上城区', 'Shangcheng District'],
    roads: [['钱江路', 'Qianjiang Road'], ['富春路', 'Fuchun Road'], ['新业路', 'Xinye Road'], ['民心路', 'Minxin Road'], ['庆春东路', 'Qingchun East Road'], ['之江路', 'Zhijiang Road']],
    branches: [['钱江新城', 'Qianjiang'], ['来福士', 'Raffles City'], ['万象城', 'MixC'], ['市民中心', 'Civic Center']],
    stores: 90,
  },
  {
    key: 'binjiang',
    name: '滨江 Binjiang',
    unit: 'hz-east-binjiang',
    polygon: [[120.215, 30.15], [120.33, 30.155], [120.33, 30.22], [120.215, 30.22]],
    district: ['滨江区', 'Binjiang District'],
    roads: [['江南大道', 'Jiangnan Avenue'], ['滨盛路', 'Binsheng Road'], ['江陵路', 'Jiangling Road'], ['长河路', 'Changhe Road'], ['滨安路', "Bin'an Road"], ['网商路', 'Wangshang Road']],
    branches: [['滨江', 'Binjiang'], ['星光大道', 'Starlight'], ['龙湖天街', 'Longfor'], ['长河', 'Changhe']],
    stores: 80,
  },
  {
    key: 'xiasha',
    name: '下沙 Xiasha',
    unit: 'hz-east-xiasha',
    polygon: [[120.29, 30.22], [120.4, 30.24], [120.4, 30.36], [120.35, 30.37], [120.29, 30.33]],
    district: ['钱塘区', 'Qiantang District'],
    roads: [['下沙路', 'Xiasha Road'], ['学林街', 'Xuelin Street'], ['学正街', 'Xuezheng Street'], ['文泽路', 'Wenze Road'], ['金沙大道', 'Jinsha Avenue'], ['海达南路', 'Haida South Road']],
    branches: [['下沙', 'Xiasha'], ['大学城', 'University Town'], ['金沙湖', 'Jinsha Lake'], ['高沙', 'Gaosha']],
    stores: 70,
  },
];

/** The org file's settings: the product's defaults, in Hangzhou's time zone. */
export const demoSettings = {
  timezone: DEMO_TIMEZONE,
  poolCap: 100,
  protectionDays: 30,
  visitExtendsDays: 14,
  maxHoldDays: 90,
  reclaimCooldownDays: 7,
};

// ---- words ------------------------------------------------------------------------------------

const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '郑', '梁', '谢', '宋', '唐', '韩', '冯', '沈', '蒋', '钱', '金'];
const givenChars = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '霞', '平', '华', '玲', '建', '国', '文', '辉', '鹏', '宇', '浩', '晨', '欣', '婷', '雪', '琳', '佳', '俊'];
const englishFirst = ['James', 'Olivia', 'Emma', 'Liam', 'Noah', 'Ava', 'Sophia', 'Mia', 'Ethan', 'Chloe', 'Henry', 'Jack', 'Lily', 'Leo', 'Ruby', 'Kevin', 'Tony', 'Cindy', 'Vivian', 'Eric', 'Helen', 'Amy', 'Peter', 'Anna'];
const englishLast = ['Smith', 'Brown', 'Wilson', 'Taylor', 'Walker', 'Wright', 'Young', 'Scott', 'Adams', 'Baker', 'Turner', 'Parker', 'Wang', 'Li', 'Zhang', 'Chen', 'Zhou', 'Wu'];

const shopTypes = ['面馆', '小笼包', '饺子馆', '茶餐厅', '奶茶店', '咖啡馆', '烧烤', '火锅', '麻辣烫', '便利店', '超市', '水果店', '烘焙坊', '甜品店', '酒楼', '小吃店', '片儿川', '酸菜鱼', '粥铺', '花店', '土菜馆', '私房菜', '牛肉面', '煲仔饭', '馄饨铺', '包子铺', '卤味店', '杭帮菜'];
const brandWords = ['知味', '福满', '一品', '百味', '家乐', '鑫源', '江南', '渔家', '蜀香', '湘味', '老街', '弄堂', '巷口', '食尚', '悦来', '聚福', '同福', '永和', '四季', '春风', '阿婆', '三姐', '小胖', '晨光', '青柠', '麦香', '稻香', '湖畔', '西子', '钱塘'];
const companyWords = ['鑫源', '恒通', '盛达', '华美', '宏远', '佳禾', '联创', '瑞丰', '永盛', '天成', '汇通', '信达'];
const industries = ['贸易', '餐饮管理', '食品', '商贸', '便利连锁', '供应链'];
const englishAdjectives = ['Golden', 'Sunny', 'Green', 'Happy', 'Lucky', 'Silver', 'Royal', 'Little', 'Fresh', 'Urban', 'Jade', 'Lotus', 'Harbor', 'River', 'Lake', 'Maple', 'Willow', 'Misty'];
const englishNouns = ['Leaf', 'Garden', 'House', 'Kitchen', 'Corner', 'Bridge', 'Tree', 'Spoon', 'Table', 'Bowl', 'Lane', 'Gate', 'Pavilion'];
const englishTypes = ['Cafe', 'Bakery', 'Grill', 'Bistro', 'Noodle Bar', 'Tea House', 'Deli', 'Market', 'Pizza', 'Dumplings', 'Diner'];
const contactTitles: [string, string][] = [['老板', 'Owner'], ['店长', 'Manager'], ['经理', 'Manager'], ['采购', 'Buyer']];

const chineseName = (r: Rng) => r.pick(surnames) + (r.chance(0.65) ? r.pick(givenChars) + r.pick(givenChars) : r.pick(givenChars));
const englishName = (r: Rng) => `${r.pick(englishFirst)} ${r.pick(englishLast)}`;

function storeName(r: Rng, region: DemoRegion, english: boolean): string {
  if (english) {
    const name = `${r.pick(englishAdjectives)} ${r.pick(englishNouns)} ${r.pick(englishTypes)}`;
    return r.chance(0.2) ? `${name} (${r.pick(region.branches)[1]})` : name;
  }
  const x = r.next();
  let name: string;
  if (x < 0.15) name = `老${r.pick(surnames)}${r.pick(shopTypes)}`;
  else if (x < 0.3) name = `${r.pick(surnames)}记${r.pick(shopTypes)}`;
  else if (x < 0.9) name = `${r.pick(brandWords)}${r.pick(shopTypes)}`;
  else return `杭州${r.pick(companyWords)}${r.pick(industries)}有限公司`;
  return r.chance(0.3) ? `${name}（${r.pick(region.branches)[0]}店）` : name;
}

const mobile = (r: Rng) => `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(0, 999_999_999)).padStart(9, '0')}`;
const landline = (r: Rng) => `0571-8${String(r.int(0, 9_999_999)).padStart(7, '0')}`;

function address(r: Rng, region: DemoRegion, english: boolean): string {
  const [roadZh, roadEn] = r.pick(region.roads);
  const no = r.int(1, 888);
  if (english) return `No. ${no} ${roadEn}, ${region.district[1]}, Hangzhou`;
  return `杭州市${region.district[0]}${roadZh}${no}号${r.chance(0.2) ? `${r.int(1, 12)}幢${r.int(1, 3)}0${r.int(1, 9)}室` : ''}`;
}

/** A point inside the region, away from its border (so that it is in this region and no other). */
function pointIn(r: Rng, ring: LngLat[]): [number, number] {
  const lngs = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  const [minLng, maxLng, minLat, maxLat] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
  const margin = 0.002;
  for (;;) {
    const lng = Number(r.between(minLng + margin, maxLng - margin).toFixed(6));
    const lat = Number(r.between(minLat + margin, maxLat - margin).toFixed(6));
    const clear = [[0, 0], [margin, 0], [-margin, 0], [0, margin], [0, -margin]].every(([dx, dy]) => pointInRing(lng + dx!, lat + dy!, ring));
    if (clear) return [lng, lat];
  }
}

/** About 500 stores, the same ones every time: unique names (by duplicate key) and phones. */
export function demoStores(seed = DEMO_SEED): DemoStore[] {
  const r = rng(seed);
  const names = new Set<string>();
  const phones = new Set<string>();
  const out: DemoStore[] = [];
  for (const region of demoRegions) {
    for (let i = 0; i < region.stores; i++) {
      const english = r.chance(0.25);
      let name = storeName(r, region, english);
      while (names.has(nameKey(name))) name = storeName(r, region, english);
      names.add(nameKey(name));
      let phone = r.chance(0.8) ? mobile(r) : landline(r);
      while (phones.has(phone)) phone = mobile(r);
      phones.add(phone);
      const [lng, lat] = pointIn(r, region.polygon);
      const title = r.pick(contactTitles);
      out.push({
        name,
        phone,
        address: address(r, region, english),
        lng,
        lat,
        source: r.pick(['import', 'import', 'referral', 'cold_visit', 'event']),
        region: region.key,
        contact: r.chance(0.75)
          ? { name: english ? englishName(r) : chineseName(r), title: english ? title[1] : title[0], phone: r.chance(0.5) ? phone : mobile(r) }
          : null,
        owner: null,
      });
    }
  }
  // Each rep starts with a few stores of its team's regions (its own team's or its area's).
  for (const rep of demoPeople.filter((p) => p.role === 'rep')) {
    const area = demoUnits.find((u) => u.key === rep.unit)?.parent;
    const mine = out.filter((s) => s.owner === null && demoRegions.some((g) => g.key === s.region && (g.unit === rep.unit || g.unit === area)));
    for (const s of r.shuffle(mine).slice(0, INITIAL_POOL)) s.owner = rep.slackId;
  }
  return out;
}

/** How many stores each rep brings into the company's first day. */
const INITIAL_POOL = 6;

/** The company as an org-import file. */
export function demoOrgFile(stores: DemoStore[] = demoStores()): Record<string, unknown> {
  return {
    settings: demoSettings,
    units: demoUnits,
    people: demoPeople,
    regions: demoRegions.map((r) => ({ key: r.key, name: r.name, unit: r.unit, polygon: r.polygon })),
    stores: stores.map((s) => ({ name: s.name, phone: s.phone, address: s.address, lng: s.lng, lat: s.lat, source: s.source, ...(s.owner ? { owner: s.owner } : {}) })),
  };
}

// ---- what people write ------------------------------------------------------------------------

export const visitSummaries = {
  'zh-CN': [
    '拜访老板，介绍了新品和本月促销', '店长不在，把资料留给了店员', '沟通了价格方案，老板觉得偏高', '了解了门店进货情况和库存',
    '送了样品，请店里试用一周', '回访上次订单的反馈，整体满意', '检查了陈列和库存，补了货架', '收集了门店的需求，准备方案',
    '谈了季度返利政策', '店里正忙，约了下次再来', '处理了一次配送延误的投诉', '和老板聊了竞品的价格',
    '电话确认了到店时间', '微信发送了报价单', '陌拜，初步接触，老板愿意了解',
  ],
  en: [
    'Met the owner and walked through the new product line', 'Owner away; left the brochure with the staff',
    'Discussed pricing for next quarter', 'Checked shelf display and stock levels', 'Dropped off samples for a one-week trial',
    'Followed up on the last order; they are happy with it', 'Collected their needs for a proposal', 'Talked through the volume rebate',
    'Busy lunch hour, agreed to come back', 'Handled a complaint about a late delivery', 'Compared our prices with the competitor they use',
    'Called to confirm the delivery window', 'Sent the quote over WeChat', 'Cold visit: first contact, owner open to hear more',
  ],
} as const;

export const visitOutcomes = {
  'zh-CN': ['有意向', '需要再跟进', '暂无需求', '下周下单', '要报价', '考虑中', '老板要和合伙人商量'],
  en: ['Interested', 'Needs another visit', 'No need right now', 'Will order next week', 'Wants a quote', 'Thinking it over', 'Needs head office approval'],
} as const;

export const followUpNotes = {
  'zh-CN': ['回访确认订单', '送报价单', '再次拜访老板', '电话跟进', '确认样品反馈'],
  en: ['Call back about the quote', 'Visit again with samples', 'Check the order', 'Bring the contract draft', 'Confirm the trial feedback'],
} as const;

export const opportunityNames = {
  'zh-CN': ['年度供货合同', '新店开业首批订货', '季度备货', '冷链设备合作', '门店升级改造', '中秋礼盒团购', '饮品原料长期供应', '外卖包装采购'],
  en: ['Annual supply contract', 'Opening order for the new branch', 'Quarterly stock-up', 'Cold-chain equipment deal', 'Store refit package', 'Mid-Autumn gift boxes', 'Drinks ingredients supply', 'Takeaway packaging'],
} as const;

export const competitors = ['美团快驴', '京东便利店', '本地批发商', 'Metro', '阿里零售通'] as const;

export const stageNotes = {
  'zh-CN': ['老板确认了需求', '发了方案，等反馈', '价格基本谈妥', '进入合同条款讨论'],
  en: ['Owner confirmed the needs', 'Proposal sent, waiting for feedback', 'Price mostly agreed', 'Now on contract terms'],
} as const;

export const approvalComments = {
  return: { 'zh-CN': '金额和预计日期请再确认一下', en: 'Please double-check the amount and the close date' },
  reject: { 'zh-CN': '这家店上季度刚终止过合作，暂不报备', en: 'We ended with this store last quarter; not now' },
  approve: { 'zh-CN': '同意，抓紧推进', en: 'Approved, go ahead' },
  sendUp: { 'zh-CN': '金额较大，请经理审批', en: 'Large amount, for the manager' },
  storeGone: { 'zh-CN': '门店已回到公海，无需延期', en: 'The store is back in the public pool: nothing to extend' },
} as const;

export const terminateReasons = {
  'zh-CN': ['客户选择了竞品', '门店暂停营业', '预算取消'],
  en: ['They went with a competitor', 'The store closed for renovation', 'Budget was cut'],
} as const;

export const releaseReasons = {
  'zh-CN': ['老板不配合', '不在服务范围', '客户已有固定供应商'],
  en: ['Owner not interested', 'Outside what we deliver', 'They have a fixed supplier'],
} as const;

export const extendReasons = {
  'zh-CN': ['老板下周回来，需要多一点时间', '合同正在走流程'],
  en: ['Owner is back next week, need a bit more time', 'The contract is going through their approvals'],
} as const;
