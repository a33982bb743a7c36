import { bundle } from '../../i18n/bundle.ts';

// The person page's Away section: a period away with a delegate who approves in the meantime.
export const awayText = bundle({
  en: {
    'away.title': 'Away',
    'away.explain': 'While {name} is away, the delegate gets {name}’s approval cards too and may decide them (“on behalf of {name}”). It ends by itself after the last day.',
    'away.current': 'Away from {from} to {to}; delegate: {delegate}.',
    'away.planned': 'Will be away from {from} to {to}; delegate: {delegate}.',
    'away.none': 'Not away.',
    'away.from': 'First day away',
    'away.to': 'Last day away',
    'away.delegate': 'Delegate',
    'away.choose': '— choose —',
    'away.submit': 'Set away',
    'away.end': 'End now',
    'away.saved': '{name} is away from {from} to {to}; {delegate} approves in the meantime.',
    'away.ended': '{name} is back: the away time has ended.',
  },
  'zh-CN': {
    'away.title': '外出',
    'away.explain': '{name} 外出期间，代理人也会收到 {name} 的审批卡片并可代为审批（“代 {name}”）。最后一天结束后自动恢复。',
    'away.current': '{from} 至 {to} 外出；代理人：{delegate}。',
    'away.planned': '将于 {from} 至 {to} 外出；代理人：{delegate}。',
    'away.none': '未外出。',
    'away.from': '外出首日',
    'away.to': '外出最后一天',
    'away.delegate': '代理人',
    'away.choose': '— 请选择 —',
    'away.submit': '设置外出',
    'away.end': '立即结束',
    'away.saved': '{name} 于 {from} 至 {to} 外出，期间由 {delegate} 代为审批。',
    'away.ended': '{name} 已回来：外出已结束。',
  },
});
