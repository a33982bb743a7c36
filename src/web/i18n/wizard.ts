import { bundle } from '../../i18n/bundle.ts';

// The CSV import wizard's own words (console/import-wizard.ts); each import brings its title, intro and fields.
export const wizardText = bundle({
  en: {
    'wizard.file': 'CSV file',
    'wizard.upload': 'Upload and choose columns',
    'wizard.no_file': 'Choose a CSV file to upload.',
    'wizard.mapping': 'Which column holds what?',
    'wizard.file_facts': '{name}: {rows} {rows:row|rows}, read as {encoding}.',
    'wizard.choose_column': '— choose a column —',
    'wizard.not_in_file': '— not in the file —',
    'wizard.required': 'required',
    'wizard.preview': 'Check the file (nothing is written yet)',
    'wizard.encoding.utf-8': 'UTF-8',
    'wizard.encoding.utf-8-bom': 'UTF-8 (with BOM)',
    'wizard.encoding.gb18030': 'GBK / GB18030',
  },
  'zh-CN': {
    'wizard.file': 'CSV 文件',
    'wizard.upload': '上传并选择列',
    'wizard.no_file': '请选择要上传的 CSV 文件。',
    'wizard.mapping': '每一列是什么？',
    'wizard.file_facts': '{name}：{rows} 行，按 {encoding} 读取。',
    'wizard.choose_column': '— 选择一列 —',
    'wizard.not_in_file': '— 文件中没有 —',
    'wizard.required': '必填',
    'wizard.preview': '检查文件（尚不写入）',
    'wizard.encoding.utf-8': 'UTF-8',
    'wizard.encoding.utf-8-bom': 'UTF-8（带 BOM）',
    'wizard.encoding.gb18030': 'GBK / GB18030',
  },
});
