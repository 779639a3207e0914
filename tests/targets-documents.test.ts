import { beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './helpers/clock.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { find, findAll, openOoxml, textOf } from './helpers/xml.js';

/*
 * The summary report names the rows behind their yearly targets, pro rata: 2018Q2 expects 2/4 of
 * 金山区政府's accepted 2018 targets. 7-1: target 80% and 120 家 → expected 40% and 60 家 by Q2;
 * reported 30% and 50 家, behind on both. 9-2: target 100% → 50%; reported 60%, on track.
 */

const PLAN = 'hazchem-2017';
const clock = testClock('2018-03-01T10:00:00+08:00');
const ctx = useTestApp({ clock });
const headers = {} as Record<string, { authorization: string }>;
const METRIC = '完成危险化学品企业安全风险评估';

async function send(path: string, by: { authorization: string }, entries: object[]) {
  expect((await ctx.app.inject({ method: 'PUT', url: path, headers: by, payload: { entries } })).statusCode).toBe(200);
  expect((await ctx.app.inject({ method: 'POST', url: `${path}/submit`, headers: by })).statusCode).toBe(200);
}

async function attention(period: string): Promise<string[]> {
  const response = await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/${period}/summary-report.docx`, headers: headers.office! });
  expect(response.statusCode, response.body).toBe(200);
  const document = await (await openOoxml(response.rawPayload)).xml('word/document.xml');
  const paragraphs = findAll(document, 'w:p').map((paragraph) => ({ style: find(paragraph, 'w:pStyle')?.attributes['w:val'], text: findAll(paragraph, 'w:t').map(textOf).join('') }));
  const start = paragraphs.findIndex((paragraph) => paragraph.text === '（三）未达年度工作目标进度的任务');
  expect(start).toBeGreaterThan(0);
  return paragraphs.slice(start + 1).map((paragraph) => paragraph.text);
}

beforeAll(async () => {
  headers.office = await bearer(ctx.app, 'office');
  headers.jinshan = await bearer(ctx.app, 'department', 'jinshan-district');
  const targets = `/v1/plans/${PLAN}/years/2018/targets/jinshan-district`;
  await send(targets, headers.jinshan, [
    { measureNo: 7, taskSeq: 1, status: 'in_progress', progress: 80, summary: '完成风险评估。', metrics: [{ name: METRIC, value: 120, unit: '家' }] },
    { measureNo: 9, taskSeq: 2, status: 'completed', progress: 100, summary: '完成转型升级。' },
  ]);
  expect((await ctx.app.inject({ method: 'POST', url: `${targets}/accept`, headers: headers.office })).statusCode).toBe(200);
  clock.set('2018-07-02T10:00:00+08:00');
  await send(`/v1/plans/${PLAN}/periods/2018Q2/reports/jinshan-district`, headers.jinshan, [
    { measureNo: 7, taskSeq: 1, status: 'in_progress', progress: 30, summary: '评估中。', metrics: [{ name: METRIC, value: 50, unit: '家' }] },
    { measureNo: 9, taskSeq: 2, status: 'in_progress', progress: 60, summary: '推进中。' },
  ]);
});

describe('三、需关注事项 and the yearly targets', () => {
  it('when a unit is behind its accepted targets pro rata in 2018Q2, the report names the unit, the row and the figures', async () => {
    const lines = await attention('2018Q2');
    const behind = lines.filter((line) => line.startsWith('金山区政府'));
    expect(behind).toHaveLength(1);
    expect(behind[0]).toMatch(/^金山区政府措施7(第1项)?（.+）：进度30%，低于年度目标按期应达的40%；完成危险化学品企业安全风险评估50家，低于按期应达的60家。$/);
  });

  it('when the quarter is one of another year (2017Q4), nothing is measured against the 2018 targets', async () => {
    expect((await attention('2017Q4'))[0]).toBe('本期无。');
  });
});
