import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './helpers/clock.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

// The office's side of reminders (issue 8, point 19): the list pages with a total and a cursor,
// and a copied plan keeps its source's reminder policy. No queue is needed: the rows are planned
// in Postgres.

const clock = testClock('2017-10-01T08:00:00+08:00');
const ctx = useTestApp({ clock });
let office: { authorization: string };

const inject = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
  ctx.app.inject({ method, url, headers: office, ...(payload === undefined ? {} : { payload }) } as InjectOptions);

interface Page {
  items: { id: number; kind: string; sendAt: string; status: string }[];
  total: number;
  nextCursor: string | null;
}

const list = async (query: string): Promise<Page> => {
  const response = await inject('GET', `/v1/reminders?plan=hazchem-2017&${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

beforeAll(async () => {
  office = await bearer(ctx.app, 'office');
  await ctx.app.reminders.reconcile();
});

describe('the office’s reminder list', () => {
  it('when paged with the cursor, it gives the filter’s total on every page and walks every reminder once, in send order', async () => {
    const everything = await list('period=2017Q3&limit=1000');
    expect(everything.items.length).toBeGreaterThan(20);
    expect(everything.total).toBe(everything.items.length);
    expect(everything.nextCursor).toBeNull();
    const sendOrder = [...everything.items].sort((a, b) => a.sendAt.localeCompare(b.sendAt) || a.id - b.id);
    expect(everything.items).toEqual(sendOrder);

    const walked: Page['items'] = [];
    let page = await list('period=2017Q3&limit=7');
    for (;;) {
      expect(page.total).toBe(everything.total);
      walked.push(...page.items);
      if (!page.nextCursor) break;
      expect(page.items).toHaveLength(7);
      page = await list(`period=2017Q3&limit=7&cursor=${page.nextCursor}`);
    }
    expect(walked.map((item) => item.id)).toEqual(everything.items.map((item) => item.id));
  });

  it('when filtered by status, the total counts that status only', async () => {
    const all = await list('limit=1');
    const planned = await list('status=planned&limit=1');
    const sent = await list('status=sent&limit=1');
    expect(planned.total).toBeGreaterThan(0);
    expect(sent.total).toBe(0);
    expect(all.total).toBe(planned.total);
  });

  it('when given a cursor it did not issue, or a cursor and an offset, it answers 400 naming the field', async () => {
    const forged = await inject('GET', `/v1/reminders?cursor=${Buffer.from('not a cursor').toString('base64url')}`);
    expect(forged.statusCode).toBe(400);
    expect(forged.json().errors).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
    const { nextCursor } = await list('limit=1');
    const both = await inject('GET', `/v1/reminders?limit=1&offset=1&cursor=${nextCursor}`);
    expect(both.statusCode).toBe(400);
    expect(both.json().errors).toEqual([expect.objectContaining({ path: 'query.offset' })]);
  });

  it('when an older client pages with offset, it still works', async () => {
    const first = await list('period=2017Q3&limit=5');
    const second = await list('period=2017Q3&limit=5&offset=5');
    const both = await list('period=2017Q3&limit=10');
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual(both.items.map((item) => item.id));
  });
});

describe('a copied plan', () => {
  it('when the source plan has its own reminder policy, the copy takes it, not the default', async () => {
    const policy = { offsetsDays: [10, 5, 2], sendTime: '08:30', escalation: { afterWorkingDays: 2, everyDays: 5, maxCount: 3 }, officeEmail: 'anwei@example.gov.cn' };
    expect((await inject('PUT', '/v1/plans/hazchem-2017/reminder-policy', policy)).statusCode).toBe(200);
    const copied = await inject('POST', '/v1/plans', { code: 'hazchem-2027', copyFrom: 'hazchem-2017', startsOn: '2027-03-01' });
    expect(copied.statusCode, copied.body).toBe(201);
    expect((await inject('GET', '/v1/plans/hazchem-2027/reminder-policy')).json()).toEqual(policy);
    // And plans the copy's reminders by it: 10 days ahead at 08:30 Shanghai.
    const copy = (await inject('GET', '/v1/reminders?plan=hazchem-2027&period=2027Q2&department=work-safety&limit=100')).json() as Page;
    expect(copy.items.map((item) => item.kind)).toContain('before-10d');
    expect(copy.items.find((item) => item.kind === 'before-10d')!.sendAt).toMatch(/T00:30:00\.000Z$/);
  });
});
