import { bundle, translator } from '../i18n/bundle.ts';

// The jobs' words: their schedules, as the console's Jobs page and `crm jobs` show them.
export const jobsScheduleText = bundle({
  en: {
    'jobs.schedule.daily': 'daily at {time} ({tz})',
    'jobs.schedule.working_days_each': 'working days at {time}, in each person’s time zone',
    'jobs.schedule.every_minutes': 'every {n} {n:minute|minutes}',
    'jobs.schedule.every_minute': 'every minute',
    'jobs.schedule.every_hour': 'every hour',
  },
  'zh-CN': {
    'jobs.schedule.daily': '每天 {time}（{tz}）',
    'jobs.schedule.working_days_each': '工作日 {time}，按每个人所在时区',
    'jobs.schedule.every_minutes': '每 {n} 分钟',
    'jobs.schedule.every_minute': '每分钟',
    'jobs.schedule.every_hour': '每小时',
  },
});

export const t = translator({ schedule: jobsScheduleText });
