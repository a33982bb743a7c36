// Word lists for plausible people, stores, addresses and visit notes (Chinese and English mixed,
// as a company in the Yangtze delta with some English-speaking staff and shops would have).
import type { Rng } from '../src/demo/random.ts';

export const surnames = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '于', '蒋', '蔡',
  '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金',
  '石', '廖', '贾', '夏', '韦', '方', '白', '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛', '闫', '段', '雷', '侯', '龙',
  '史', '陶', '黎', '贺', '顾', '毛', '郝', '龚', '邵', '万', '钱', '严', '武', '戴', '莫', '孔', '向', '汤', '欧阳', '司马',
] as const;

const givenChars = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平',
  '刚', '桂', '英', '华', '玲', '建', '国', '文', '辉', '鹏', '宇', '浩', '晨', '欣', '怡', '婷', '雪', '琳', '佳', '俊',
  '子', '梓', '涵', '睿', '博', '晓', '丹', '春', '海', '斌', '云', '峰', '燕', '慧', '雅', '思', '嘉', '诗', '亮', '萍',
] as const;

export const englishFirst = [
  'James', 'Olivia', 'Emma', 'Liam', 'Noah', 'Ava', 'Sophia', 'Mia', 'Lucas', 'Ethan', 'Grace', 'Chloe', 'Daniel', 'Ella',
  'Henry', 'Jack', 'Lily', 'Leo', 'Amelia', 'Oscar', 'Ruby', 'Sam', 'Kevin', 'Tony', 'Cindy', 'Vivian', 'Eric', 'Jason',
  'Helen', 'Amy', 'Peter', 'David', 'Sarah', 'Michael', 'Anna', 'Ben', 'Claire', 'Frank', 'Irene', 'Max',
] as const;

export const englishLast = [
  'Smith', 'Brown', 'Carter', 'Wilson', 'Taylor', 'Johnson', 'Walker', 'Wright', 'Green', 'Hall', 'Young', 'King',
  'Scott', 'Adams', 'Baker', 'Nelson', 'Hill', 'Moore', 'Clark', 'Lewis', 'Evans', 'Turner', 'Parker', 'Collins',
  'Wang', 'Li', 'Zhang', 'Chen', 'Liu', 'Zhou', 'Wu', 'Lin',
] as const;

export function chineseName(r: Rng): string {
  const given = r.chance(0.65) ? r.pick(givenChars) + r.pick(givenChars) : r.pick(givenChars);
  return r.pick(surnames) + given;
}

export function englishName(r: Rng): string {
  return `${r.pick(englishFirst)} ${r.pick(englishLast)}`;
}

export function personName(r: Rng): string {
  return r.chance(0.72) ? chineseName(r) : englishName(r);
}

// ---- stores

const shopTypes = [
  '面馆', '小笼包', '饺子馆', '茶餐厅', '奶茶店', '咖啡馆', '烧烤', '火锅', '麻辣烫', '快餐', '便利店', '超市', '水果店',
  '烘焙坊', '甜品店', '酒楼', '小吃店', '米粉店', '酸菜鱼', '粥铺', '药房', '五金店', '花店', '美发店', '洗衣店',
  '文具店', '生鲜店', '烟酒店', '土菜馆', '私房菜', '牛肉面', '煲仔饭', '馄饨铺', '包子铺', '卤味店',
] as const;

const brandWords = [
  '知味', '福满', '金牌', '好客', '一品', '百味', '家乐', '鑫源', '小城', '外婆家', '江南', '渔家', '山城', '蜀香',
  '湘味', '东北', '潮汕', '粤港', '老街', '弄堂', '巷口', '食尚', '悦来', '聚福', '同福', '兴隆', '永和', '大福',
  '味道', '新语', '四季', '春风', '阿婆', '三姐', '阿强', '小胖', '晨光', '青柠', '麦香', '稻香',
] as const;

const companyWords = ['鑫源', '恒通', '盛达', '华美', '宏远', '佳禾', '联创', '瑞丰', '嘉禾', '永盛', '天成', '汇通', '信达', '博远'] as const;
const industries = ['贸易', '餐饮管理', '食品', '商贸', '便利连锁', '酒店管理', '供应链', '农产品'] as const;
const companyForms = ['有限公司', '有限责任公司', '股份有限公司'] as const;

const englishAdjectives = [
  'Golden', 'Sunny', 'Green', 'Happy', 'Lucky', 'Red', 'Blue', 'Silver', 'Royal', 'Little', 'Old', 'New', 'Fresh',
  'Urban', 'Jade', 'Lotus', 'Dragon', 'Phoenix', 'Harbor', 'River', 'Lake', 'Maple', 'Ocean', 'Star', 'Moon',
] as const;
const englishNouns = ['Leaf', 'Garden', 'House', 'Kitchen', 'Corner', 'Bay', 'Bridge', 'Tree', 'Spoon', 'Table', 'Bowl', 'Lane', 'Side', 'Gate'] as const;
const englishTypes = ['Cafe', 'Bakery', 'Grill', 'Bistro', 'Noodle Bar', 'Tea House', 'Deli', 'Market', 'Pizza', 'Sushi', 'Dumplings', 'Diner'] as const;

export const roads = [
  '文三路', '文二路', '教工路', '湖滨路', '延安路', '武林路', '凤起路', '庆春路', '解放路', '中山路', '南京路', '淮海路',
  '人民路', '长江路', '黄河路', '学院路', '天目山路', '莫干山路', '钱江路', '江南大道', '滨盛路', '金鸡路', '干将路',
  '观前街', '中山东路', '百丈路', '天童路', '鄞州大道', '世纪大道', '陆家嘴环路', '漕溪北路', '衡山路',
] as const;

const branches = ['湖滨', '武林', '文三', '西溪', '滨江', '南京路', '人民广场', '观前', '万达', '银泰', '龙湖', '天街', '火车站', '大学城', '吴江', '东门'] as const;

export function storeName(r: Rng, cityName: string): string {
  const x = r.next();
  let name: string;
  if (x < 0.3) {
    // English-named shop
    name = `${r.pick(englishAdjectives)} ${r.pick(englishNouns)} ${r.pick(englishTypes)}`;
    if (r.chance(0.12)) name += r.pick([' Co., Ltd', ' Ltd.', ' Inc.']);
  } else if (x < 0.42) {
    name = `老${r.pick(surnames)}${r.pick(shopTypes)}`;
  } else if (x < 0.55) {
    name = `${r.pick(surnames)}记${r.pick(shopTypes)}`;
  } else if (x < 0.9) {
    name = `${r.pick(brandWords)}${r.pick(shopTypes)}`;
  } else {
    name = `${cityName}${r.pick(companyWords)}${r.pick(industries)}${r.pick(companyForms)}`;
  }
  if (x < 0.9 && r.chance(0.25)) name += r.chance(0.85) ? `（${r.pick(branches)}店）` : `(${r.int(1, 20)}号店)`;
  return name;
}

export function address(r: Rng, district: string): string {
  return `${district}${r.pick(roads)}${r.int(1, 999)}号${r.chance(0.2) ? `${r.int(1, 30)}幢${r.int(101, 2505)}室` : ''}`;
}

export function mobile(r: Rng): string {
  return `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(0, 999_999_999)).padStart(9, '0')}`;
}

// ---- visits

export const visitSummaries = [
  '拜访老板，介绍新品', '店长不在，留了资料', '沟通了价格方案', '了解门店进货情况', '送样品试用', '回访上次订单反馈',
  '电话确认到店时间', '微信发送了报价单', '老板有意向，下周再谈', '对比了竞品价格', '陌拜，初步接触', '检查陈列和库存',
  '协助店员上架', '收集了门店需求', '谈了季度返利政策', '店里正忙，约了改天', '确认了收货地址', '处理了一次投诉',
  'Met the owner, showed the new menu items', 'Dropped off samples', 'Called to confirm the delivery window',
  'Discussed pricing for next quarter', 'Owner away, spoke with the manager', 'Checked shelf display and stock',
  'Cold visit, left a brochure', 'Followed up on last order', 'Sent the quote on WeChat', 'Negotiated volume discount',
] as const;

export const visitOutcomes = [
  '有意向', '需要再跟进', '暂无需求', '下周下单', '要报价', '已下单', '考虑中', 'Interested', 'Wants a quote',
  'Will order next week', 'Not now', 'Needs approval from head office',
] as const;

export const followUpNotes = ['回访确认订单', '送报价单', '再次拜访老板', '电话跟进', '确认样品反馈', 'Call back about the quote', 'Visit again with samples', 'Check the order'] as const;

export const releaseReasons = ['老板不配合', '门店已关闭', '不在服务范围', '客户已有供应商', 'Not interested', 'Store closed', 'Duplicate store'] as const;

export const contactTitles = ['老板', '店长', '经理', '采购', '前台', 'Owner', 'Manager', 'Buyer'] as const;
