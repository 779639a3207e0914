const quarterNames = ['一', '二', '三', '四'];

/** 2017Q3 -> 2017年第三季度; summary -> 总结报告. */
export function periodLabel(periodId: string): string {
  const match = /^(\d{4})Q([1-4])$/.exec(periodId);
  return match ? `${match[1]}年第${quarterNames[Number(match[2]) - 1]}季度` : '总结报告';
}
