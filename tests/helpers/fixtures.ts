/** A report entry for measure 1 row 1 (override any field); valid as it stands. */
export const entry = (overrides: Record<string, unknown> = {}) => ({
  measureNo: 1,
  taskSeq: 1,
  status: 'in_progress',
  progress: 50,
  summary: '已完成危化品监管人员配备摸底。',
  ...overrides,
});

/** A unit's 处级联络员 and 工作人员, valid as they stand (a fresh object each call). */
export const liaisonPair = () => ({
  officer: { name: '张伟', position: '危化处处长', phone: '021-23111111', email: 'zhang.wei@example.gov.cn' },
  staff: { name: '李娜', phone: '021-23111112', email: 'li.na@example.gov.cn' },
});

/** A complete 总结报告正文 (all four sections; `tag` makes a unit's text its own). */
export const narrative = (tag = '') => ({
  work: `${tag}开展危险化学品安全综合治理，完成企业摸底排查。\n\n建立部门联合执法机制。`,
  results: `${tag}重大危险源全部纳入在线监测。`,
  problems: `${tag}基层专业监管力量仍然不足。`,
  nextSteps: `${tag}巩固治理成果，健全长效机制。`,
});
