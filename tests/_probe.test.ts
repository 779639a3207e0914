import { it, afterAll } from 'vitest';
import { buildApp } from '../src/app.js';
import { createTestDatabase } from './helpers/database.js';
import { bearer } from './helpers/tokens.js';
it('probe', async () => {
  const database = await createTestDatabase();
  const app = await buildApp({ logLevel: 'error' }, { database: await database.open() });
  try {
  const dept = await bearer(app, 'department', 'work-safety');
  const office = await bearer(app, 'office');
  const url = '/v1/plans/hazchem-2017/periods/2017Q3/reports/work-safety';
  const show = async (label: string, r: any) => console.log(label, r.statusCode, r.body.slice(0, 200));
  const pUrl = '/v1/plans/hazchem-2017/periods/2017Q3';
  await show('patch', await app.inject({ method: 'PATCH', url: pUrl, headers: office, payload: { dueAt: '9999-12-31T23:00:00Z' } }));
  await show('list', await app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/periods', headers: office }));
  await show('report', await app.inject({ method: 'GET', url, headers: dept }));
  await show('audit', await app.inject({ method: 'GET', url: '/v1/audit?entityType=period', headers: office }));
  await show('patch0', await app.inject({ method: 'PATCH', url: pUrl, headers: office, payload: { dueAt: '0001-01-01T00:00:00+01:00' } }));
  await show('nul', await app.inject({ method: 'PUT', url, headers: dept, payload: { entries: [{ measureNo: 1, taskSeq: 1, status: 'in_progress', progress: 1, summary: 'a\u0000' }] } }));
  } finally { await app.close(); await database.drop(); }
});
