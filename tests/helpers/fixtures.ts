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
