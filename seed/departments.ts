import type { DepartmentSource } from './types.js';

/**
 * Every unit the 分工表 names, plus the members of the collectives whose membership is known.
 * Names are as printed in the 2017 table (several bureaus have since been reorganised; the
 * table's names are kept so reports line up with the source).
 */
const districts = [
  ['huangpu', '黄浦区政府', 'Huangpu District Government'],
  ['xuhui', '徐汇区政府', 'Xuhui District Government'],
  ['changning', '长宁区政府', 'Changning District Government'],
  ['jingan', '静安区政府', "Jing'an District Government"],
  ['putuo', '普陀区政府', 'Putuo District Government'],
  ['hongkou', '虹口区政府', 'Hongkou District Government'],
  ['yangpu', '杨浦区政府', 'Yangpu District Government'],
  ['minhang', '闵行区政府', 'Minhang District Government'],
  ['baoshan', '宝山区政府', 'Baoshan District Government'],
  ['jiading', '嘉定区政府', 'Jiading District Government'],
  ['pudong', '浦东新区政府', 'Pudong New Area Government'],
  ['jinshan', '金山区政府', 'Jinshan District Government'],
  ['songjiang', '松江区政府', 'Songjiang District Government'],
  ['qingpu', '青浦区政府', 'Qingpu District Government'],
  ['fengxian', '奉贤区政府', 'Fengxian District Government'],
  ['chongming', '崇明区政府', 'Chongming District Government'],
] as const;

const districtGovernments: DepartmentSource[] = districts.map(([slug, name, englishName]) => ({
  code: `${slug}-district`,
  name,
  englishName,
  kind: 'district-government',
}));

/**
 * The 16 districts in the official order of Shanghai's administrative divisions (黄浦 … 崇明), the
 * order the office lists them in. The database keeps no order, so the 总览 takes it from here.
 */
export const officialDistrictOrder: readonly string[] = districtGovernments.map((district) => district.code);

export const departments: readonly DepartmentSource[] = [
  { code: 'development-reform', name: '市发展改革委', englishName: 'Municipal Development and Reform Commission', kind: 'municipal-department' },
  { code: 'economy-informatization', name: '市经济信息化委', englishName: 'Municipal Commission of Economy and Informatization', kind: 'municipal-department' },
  { code: 'education', name: '市教委', englishName: 'Municipal Education Commission', kind: 'municipal-department' },
  { code: 'science-technology', name: '市科委', englishName: 'Science and Technology Commission of Shanghai Municipality', kind: 'municipal-department' },
  { code: 'commerce', name: '市商务委', englishName: 'Municipal Commission of Commerce', kind: 'municipal-department' },
  { code: 'public-security', name: '市公安局', englishName: 'Municipal Public Security Bureau', kind: 'municipal-department' },
  { code: 'supervision', name: '市监察局', englishName: 'Municipal Supervision Bureau', kind: 'municipal-department' },
  { code: 'finance', name: '市财政局', englishName: 'Municipal Finance Bureau', kind: 'municipal-department' },
  { code: 'human-resources-social-security', name: '市人力资源社会保障局', englishName: 'Municipal Human Resources and Social Security Bureau', kind: 'municipal-department' },
  { code: 'planning-land-resources', name: '市规划国土资源局', englishName: 'Municipal Planning, Land and Resources Administration', kind: 'municipal-department' },
  { code: 'environmental-protection', name: '市环保局', englishName: 'Municipal Environmental Protection Bureau', kind: 'municipal-department' },
  { code: 'housing-urban-rural', name: '市住房城乡建设管理委', englishName: 'Municipal Commission of Housing, Urban-Rural Development and Management', kind: 'municipal-department' },
  { code: 'transport', name: '市交通委', englishName: 'Municipal Transportation Commission', kind: 'municipal-department' },
  { code: 'agriculture', name: '市农委', englishName: 'Municipal Agriculture Commission', kind: 'municipal-department' },
  { code: 'water-authority', name: '市水务局', englishName: 'Municipal Water Authority', kind: 'municipal-department' },
  { code: 'ocean', name: '市海洋局', englishName: 'Municipal Ocean Bureau', kind: 'municipal-department' },
  { code: 'health-family-planning', name: '市卫生计生委', englishName: 'Municipal Commission of Health and Family Planning', kind: 'municipal-department' },
  { code: 'industry-commerce', name: '市工商局', englishName: 'Municipal Administration for Industry and Commerce', kind: 'municipal-department' },
  { code: 'quality-technical-supervision', name: '市质量技监局', englishName: 'Municipal Bureau of Quality and Technical Supervision', kind: 'municipal-department' },
  { code: 'work-safety', name: '市安全监管局', englishName: 'Municipal Administration of Work Safety', kind: 'municipal-department' },
  { code: 'landscaping-city-appearance', name: '市绿化市容局', englishName: 'Municipal Landscaping and City Appearance Administrative Bureau', kind: 'municipal-department' },
  { code: 'culture-radio-film-tv', name: '市文广影视局', englishName: 'Municipal Administration of Culture, Radio, Film and TV', kind: 'municipal-department' },
  { code: 'press-publication', name: '市新闻出版局', englishName: 'Municipal Press and Publication Bureau', kind: 'municipal-department' },
  { code: 'legislative-affairs-office', name: '市政府法制办', englishName: 'Legislative Affairs Office of the Municipal Government', kind: 'municipal-department' },
  { code: 'local-taxation', name: '市地税局', englishName: 'Municipal Local Taxation Bureau', kind: 'municipal-department' },
  { code: 'shanghai-customs', name: '上海海关', englishName: 'Shanghai Customs District', kind: 'central-agency' },
  { code: 'shanghai-railway', name: '上海铁路局', englishName: 'Shanghai Railway Bureau', kind: 'central-agency' },
  { code: 'caac-east-china', name: '民航华东地区管理局', englishName: 'CAAC East China Regional Administration', kind: 'central-agency' },
  { code: 'postal-administration', name: '市邮政管理局', englishName: 'Shanghai Postal Administration', kind: 'central-agency' },
  { code: 'shanghai-msa', name: '上海海事局', englishName: 'Shanghai Maritime Safety Administration', kind: 'central-agency' },
  { code: 'pboc-shanghai', name: '人民银行上海分行', englishName: "People's Bank of China Shanghai Branch", kind: 'central-agency' },
  { code: 'circ-shanghai', name: '上海保监局', englishName: 'CIRC Shanghai Bureau', kind: 'central-agency' },
  { code: 'chemical-industry-park', name: '上海化工区管委会', englishName: 'Shanghai Chemical Industry Park Administrative Committee', kind: 'management-body' },
  { code: 'hazchem-zone-authorities', name: '危险化学品集中区域管理机构', englishName: 'Management bodies of the hazardous-chemicals concentration zones', kind: 'management-body' },
  ...districtGovernments,
  {
    code: 'all-district-governments',
    name: '各区政府',
    englishName: "All of Shanghai's 16 district governments",
    kind: 'collective',
    members: districtGovernments.map((district) => district.code),
  },
  { code: 'all-relevant-departments', name: '各有关部门', englishName: 'All relevant departments', kind: 'collective' },
  {
    code: 'pipeline-leading-group-members',
    name: '上海市油气管道保护和安全隐患整改工作领导小组各成员单位',
    englishName: 'Member units of the Shanghai oil and gas pipeline protection and hazard rectification leading group',
    kind: 'collective',
  },
];
