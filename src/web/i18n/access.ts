import { bundle } from '../../i18n/bundle.ts';

export const accessText = bundle({
  en: {
    'access.title': 'Console access',
    'access.none': 'No console account yet. Give one: a one-time password is shown once; it must be changed at the first sign-in.',
    'access.has_account': 'Signs in to the console as {email}.',
    'access.email': 'Email to sign in with',
    'access.grant': 'Give console access',
    'access.reset': 'Issue a new one-time password',
    'access.issued': 'The console account {email} has this one-time password:',
    'access.once': 'Hand it over privately. It is shown only now; at the first sign-in it must be replaced.',
    'access.back': 'Back to the person',
    'access.locked': 'Sign-in is locked until {until} after too many attempts.',
    'access.unlock': 'Unlock sign-in',
    'access.unlocked': 'Sign-in is unlocked.',
    'access.was_not_locked': 'Sign-in was not locked.',
  },
  'zh-CN': {
    'access.title': '控制台账号',
    'access.none': '尚无控制台账号。开通后会显示一次性密码（只显示一次），首次登录时必须修改。',
    'access.has_account': '以 {email} 登录控制台。',
    'access.email': '登录邮箱',
    'access.grant': '开通控制台账号',
    'access.reset': '重新生成一次性密码',
    'access.issued': '控制台账号 {email} 的一次性密码：',
    'access.once': '请私下转交。密码只显示这一次；首次登录时必须修改。',
    'access.back': '返回人员页面',
    'access.locked': '登录尝试次数过多，已锁定至 {until}。',
    'access.unlock': '解除登录锁定',
    'access.unlocked': '已解除登录锁定。',
    'access.was_not_locked': '登录未被锁定。',
  },
});
