import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { attachmentBlobs, attachmentChunks, attachments } from '../src/db/schema/index.js';
import { testClock } from './helpers/clock.js';
import { docx, exe, fileForm, jpeg, multipart, ofd, ole2, pdf, pdfOfSize, plainZip, png, xlsx } from './helpers/files.js';
import { testConfig, useTestApp, type TestContext } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

const PLAN = 'hazchem-2017';
const PERIOD = '2017Q3';
const UNIT = 'work-safety';
/** Measure 3 task 1: 牵头 市经济信息化委 (economy-informatization), 负责 市安全监管局 (work-safety) and 市规划国土资源局. */
const ROW = [['measureNo', '3'], ['taskSeq', '1']] as Array<[string, string]>;
const reportUrl = (unit = UNIT) => `/v1/plans/${PLAN}/periods/${PERIOD}/reports/${unit}`;
const MiB = 1024 * 1024;

type Headers = { authorization: string };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function helpers(ctx: TestContext) {
  const upload = (by: Headers, form: ReturnType<typeof multipart>, unit = UNIT) =>
    ctx.app.inject({ method: 'POST', url: `${reportUrl(unit)}/attachments`, headers: { ...by, ...form.headers }, payload: form.payload });
  const download = (by: Headers, id: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url: `/v1/attachments/${id}`, headers: { ...by, ...headers } });
  const counts = async () => {
    const count = async (table: typeof attachmentBlobs | typeof attachmentChunks | typeof attachments) => (await ctx.app.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
    return { blobs: await count(attachmentBlobs), chunks: await count(attachmentChunks), attachments: await count(attachments) };
  };
  return { upload, download, counts };
}

/** Entries for every row a unit must report on: enough to submit. */
async function saveAll(app: App, by: Headers, unit = UNIT) {
  const report = (await app.inject({ method: 'GET', url: reportUrl(unit), headers: by })).json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] };
  const entries = report.tasks.filter((task) => task.required).map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 40, summary: '推进中' }));
  const saved = await app.inject({ method: 'PUT', url: reportUrl(unit), headers: by, payload: { entries } });
  expect(saved.statusCode, saved.body).toBe(200);
  return saved.json() as { version: number };
}

describe('attachments on Postgres', () => {
  const clock = testClock('2017-10-09T10:00:00+08:00');
  const ctx = useTestApp({ clock });
  const { upload, download, counts } = helpers(ctx);
  const as = {} as Record<'office' | 'unit' | 'lead' | 'otherLead' | 'coResponsible', Headers>;

  beforeAll(async () => {
    as.office = await bearer(ctx.app, 'office');
    as.unit = await bearer(ctx.app, 'department', UNIT);
    as.lead = await bearer(ctx.app, 'department', 'economy-informatization');
    as.otherLead = await bearer(ctx.app, 'department', 'transport');
    as.coResponsible = await bearer(ctx.app, 'department', 'planning-land-resources');
  });

  const kinds: Array<[string, string, () => Buffer | Promise<Buffer>, string]> = [
    ['a PDF', '监管人员配备.pdf', () => pdf('kinds'), 'application/pdf'],
    ['a PNG', '现场照片.png', () => png(1), 'image/png'],
    ['a JPEG', '现场照片.jpg', () => jpeg(), 'image/jpeg'],
    ['a DOCX', '工作总结.docx', () => docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['an XLSX', '台账.xlsx', () => xlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['an OLE2 .doc', '通知.doc', () => ole2(), 'application/msword'],
    ['an OLE2 .et (WPS spreadsheet)', '统计表.et', () => Buffer.concat([ole2(), Buffer.from('et')]), 'application/vnd.ms-excel'],
    ['an OFD with OFD.xml first', '批复.ofd', () => ofd(true), 'application/ofd'],
    ['an OFD with OFD.xml last (central directory)', '批复2.ofd', () => ofd(false), 'application/ofd'],
  ];
  it.each(kinds)('accepts %s, stores the type its content shows and gives the same bytes back', async (_name, fileName, build, mediaType) => {
    const content = await build();
    const response = await upload(as.unit, fileForm(fileName, content, [['description', '佐证']]));
    expect(response.statusCode, response.body).toBe(201);
    const attachment = response.json();
    expect(attachment).toMatchObject({ fileName, mediaType, size: content.length, sha256: sha256(content), description: '佐证', measureNo: null, enteredByOffice: false });
    expect(response.headers.location).toBe(`/v1/attachments/${attachment.id}`);
    const fetched = await download(as.unit, attachment.id);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.headers['content-type']).toBe(mediaType);
    expect(fetched.rawPayload.equals(content)).toBe(true);
  });

  it.each([
    ['an .exe named .pdf', '报告.pdf', exe(), /application\/x-msdownload/],
    ['a text file', '说明.pdf', Buffer.from('这不是 PDF 文件\n'), /no recognised type/],
    ['a plain ZIP', '材料.zip', null, /application\/zip/],
    ['an OLE2 file not named .doc/.xls/.wps/.et', 'setup.msi', ole2(), /OLE2 compound file not named/],
  ] as const)('refuses %s with 415 naming what it is, and stores nothing', async (_name, fileName, content, detail) => {
    const before = await counts();
    const response = await upload(as.unit, fileForm(fileName, content ?? (await plainZip())));
    expect(response.statusCode, response.body).toBe(415);
    expect(response.json().detail).toMatch(detail);
    expect(await counts()).toEqual(before);
  });

  it('refuses a file of 20 MiB + 1 byte with 413 and keeps no blob or chunk', async () => {
    const before = await counts();
    const response = await upload(as.unit, fileForm('大文件.pdf', pdfOfSize(20 * MiB + 1)));
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json().detail).toMatch(/larger than 20 MiB/);
    expect(await counts()).toEqual(before);
  });

  it('stores the same file twice once: one blob, two attachments with the same sha256', async () => {
    const content = pdf('twice');
    const before = await counts();
    const first = (await upload(as.unit, fileForm('一.pdf', content))).json();
    const second = (await upload(as.office, fileForm('二.pdf', content))).json();
    expect(second.sha256).toBe(first.sha256);
    expect(second.id).not.toBe(first.id);
    expect(await counts()).toMatchObject({ blobs: before.blobs + 1, attachments: before.attachments + 2 });
    expect(second.enteredByOffice).toBe(true);
  });

  it('checks the row fields: both or neither (400), a row the unit carries (422), also when sent after the file', async () => {
    const before = await counts();
    const half = await upload(as.unit, fileForm('a.pdf', pdf('half'), [['measureNo', '3']]));
    expect(half.statusCode).toBe(400);
    expect(half.json().errors).toEqual([expect.objectContaining({ path: 'body.taskSeq' })]);
    const foreign = await upload(as.unit, fileForm('a.pdf', pdf('foreign'), [['measureNo', '9'], ['taskSeq', '1']]));
    expect(foreign.statusCode, foreign.body).toBe(422);
    const late = await upload(as.unit, multipart([['file', { fileName: 'a.pdf', content: pdf('late') }], ['measureNo', '9'], ['taskSeq', '1']]));
    expect(late.statusCode, late.body).toBe(422);
    expect(await counts()).toEqual(before);
    const tied = await upload(as.unit, multipart([['file', { fileName: 'a.pdf', content: pdf('tied late') }], ...ROW]));
    expect(tied.json()).toMatchObject({ measureNo: 3, taskSeq: 1 });
  });

  it('refuses a body that is not multipart with 415, and a malformed one with 400', async () => {
    const json = await ctx.app.inject({ method: 'POST', url: `${reportUrl()}/attachments`, headers: as.unit, payload: { file: 'x' } });
    expect(json.statusCode).toBe(415);
    for (const contentType of ['multipart/form-data; boundary=xyz', 'multipart/form-data']) {
      const malformed = await ctx.app.inject({ method: 'POST', url: `${reportUrl()}/attachments`, headers: { ...as.unit, 'content-type': contentType }, payload: '{"file":"x"}' });
      expect(malformed.statusCode, malformed.body).toBe(400);
    }
    const twoFiles = await upload(as.unit, multipart([['file', { fileName: 'a.png', content: png(7) }], ['file', { fileName: 'b.png', content: png(8) }]]));
    expect(twoFiles.statusCode, twoFiles.body).toBe(400);
    const unknownField = await upload(as.unit, fileForm('a.png', png(9), [['owner', 'lead']]));
    expect(unknownField.json().errors).toEqual([expect.objectContaining({ path: 'body.owner' })]);
  });

  it('answers hostile multipart with 4xx, never 500: long names, NUL, broken UTF-8, odd parts', async () => {
    const content = png(11);
    const raw = (head: string) => {
      const boundary = 'xHostile';
      const payload = Buffer.concat([Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`, 'latin1'), content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
    };
    const cases = [
      fileForm('名'.repeat(5000) + '.png', content),
      fileForm('a\u0000b.png', content),
      fileForm('a.png', content, [['description', 'x\u0000y']]),
      fileForm('a.png', content, [['description', '长'.repeat(501)]]),
      fileForm('a.png', content, [['measureNo', '-1'], ['taskSeq', '1e3']]),
      fileForm('a.png', content, [['__proto__', 'x']]),
      raw('Content-Disposition: form-data; name="file"; filename="\xff\xfe\xc3.png"'),
      raw('Content-Disposition: form-data; name="file"; filename*=UTF-8\'\'%E4%BD%90%E8%AF%81.png'),
      raw(`Content-Disposition: form-data; name="file"; filename="${'x'.repeat(100_000)}"`),
      raw('Content-Disposition: form-data; name="file"'),
    ];
    for (const form of cases) {
      const response = await upload(as.unit, form);
      expect(response.statusCode, response.body).toBeLessThan(500);
      if (response.statusCode === 201) expect([...response.json().fileName].length).toBeLessThanOrEqual(80);
    }
  });

  it('leaves every other route refusing multipart/form-data with 415', async () => {
    const form = fileForm('a.pdf', pdf('elsewhere'));
    const response = await ctx.app.inject({ method: 'PUT', url: reportUrl(), headers: { ...as.unit, ...form.headers }, payload: form.payload });
    expect(response.statusCode).toBe(415);
  });

  it('names the download in Content-Disposition (Chinese in filename*, ASCII fallback), cleans hostile names, and answers If-None-Match with 304', async () => {
    const content = pdf('names');
    const created = (await upload(as.unit, fileForm('..\\..\\目录/危化品<台账>\u202e.exe', content))).json();
    expect(created.fileName).toBe('危化品_台账_.exe.pdf');
    const response = await download(as.unit, created.id);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="_______.exe.pdf"; filename*=UTF-8''${encodeURIComponent('危化品_台账_.exe.pdf')}`);
    expect(response.headers).toMatchObject({ etag: `"sha256:${sha256(content)}"`, 'content-length': String(content.length), 'x-content-type-options': 'nosniff', 'cache-control': 'private, no-cache' });
    const head = await ctx.app.inject({ method: 'HEAD', url: `/v1/attachments/${created.id}`, headers: as.unit });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(content.length));
    const again = await download(as.unit, created.id, { 'if-none-match': response.headers.etag as string });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const unnamed = (await upload(as.unit, fileForm('', png(2)))).json();
    expect(unnamed.fileName).toBe('附件.png');
  });

  it('records attachment.add and attachment.remove in the audit log with name, size and sha256', async () => {
    const content = pdf('audited');
    const created = (await upload(as.office, fileForm('审计.pdf', content))).json();
    expect((await ctx.app.inject({ method: 'DELETE', url: `/v1/attachments/${created.id}`, headers: as.unit })).statusCode).toBe(204);
    const log = await ctx.app.inject({ method: 'GET', url: `/v1/audit?entityType=attachment&department=${UNIT}`, headers: as.office });
    const entries = (log.json().items as Array<{ action: string; entityId: string; after: Record<string, unknown> }>).filter((entry) => entry.entityId.endsWith(created.id));
    expect(entries.map((entry) => entry.action)).toEqual(['attachment.remove', 'attachment.add']);
    expect(entries[1]!.entityId).toBe(`${PLAN}/${PERIOD}/${UNIT}/${created.id}`);
    expect(entries[1]!.after).toMatchObject({ fileName: '审计.pdf', size: content.length, sha256: sha256(content), enteredByOffice: true });
    expect(entries[0]!.after).toMatchObject({ fileName: '审计.pdf', size: content.length, sha256: sha256(content), deleted: true });
  });

  it('follows the report: attached to version 3, still listed for version 3 after removal and a later save; submitted reports refuse changes (409)', async () => {
    await saveAll(ctx.app, as.unit);
    const { version } = await saveAll(ctx.app, as.unit);
    const content = pdf('versioned');
    const attached = (await upload(as.unit, fileForm('第三版.pdf', content, ROW))).json();
    expect(attached.addedAfterVersion).toBe(version);
    const v3 = (await saveAll(ctx.app, as.unit)).version;
    expect((await ctx.app.inject({ method: 'DELETE', url: `/v1/attachments/${attached.id}`, headers: as.unit })).statusCode).toBe(204);
    const v4 = (await saveAll(ctx.app, as.unit)).version;
    const listed = async (query: string) => ((await ctx.app.inject({ url: `${reportUrl()}/attachments${query}`, headers: as.unit })).json().items as { id: string }[]).map((item) => item.id);
    expect(await listed(`?version=${v3}`)).toContain(attached.id);
    expect(await listed(`?version=${v4}`)).not.toContain(attached.id);
    expect(await listed('')).not.toContain(attached.id);
    expect((await ctx.app.inject({ url: `${reportUrl()}/attachments?version=${v4 + 5}`, headers: as.unit })).statusCode).toBe(404);
    const history = (await ctx.app.inject({ url: `${reportUrl()}/history`, headers: as.unit })).json() as { items: { version: number; attachments: { id: string; removedAfterVersion: number | null }[] }[] };
    expect(history.items.find((item) => item.version === v3)!.attachments).toContainEqual(expect.objectContaining({ id: attached.id, removedAfterVersion: v3 }));
    expect(history.items.find((item) => item.version === v4)!.attachments.map((item) => item.id)).not.toContain(attached.id);
    // Removed from the list, still part of version 3: its content stays.
    expect((await download(as.unit, attached.id)).rawPayload.equals(content)).toBe(true);

    const kept = (await upload(as.unit, fileForm('留存.pdf', pdf('kept'), ROW))).json();
    await saveAll(ctx.app, as.unit);
    expect((await ctx.app.inject({ method: 'POST', url: `${reportUrl()}/submit`, headers: as.unit })).statusCode).toBe(200);
    const refused = await upload(as.unit, fileForm('迟到.pdf', pdf('late upload')));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toBe('Cannot edit a report that is submitted');
    expect((await ctx.app.inject({ method: 'DELETE', url: `/v1/attachments/${kept.id}`, headers: as.unit })).statusCode).toBe(409);
  });

  it('lets the row’s lead read a submitted report’s file tied to its row, and nobody else outside the unit and the office (403)', async () => {
    const row = ((await ctx.app.inject({ url: `${reportUrl()}/attachments`, headers: as.unit })).json().items as { id: string; measureNo: number | null }[]).find((item) => item.measureNo === 3)!;
    const untied = ((await ctx.app.inject({ url: `${reportUrl()}/attachments`, headers: as.unit })).json().items as { id: string; measureNo: number | null }[]).find((item) => item.measureNo === null)!;
    expect((await download(as.lead, row.id)).statusCode).toBe(200);
    expect((await download(as.office, row.id)).statusCode).toBe(200);
    expect((await download(as.lead, untied.id)).statusCode).toBe(403);
    expect((await download(as.otherLead, row.id)).statusCode).toBe(403);
    expect((await download(as.coResponsible, row.id)).statusCode).toBe(403);
    expect((await ctx.app.inject({ url: `${reportUrl()}/attachments`, headers: as.lead })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'DELETE', url: `/v1/attachments/${row.id}`, headers: as.lead })).statusCode).toBe(403);
  });

  it('hides a draft’s files from the row’s lead until the report is submitted', async () => {
    const unit = 'planning-land-resources';
    const own = await bearer(ctx.app, 'department', unit);
    const created = (await upload(own, fileForm('规划.pdf', pdf('draft'), ROW), unit)).json();
    expect((await download(as.lead, created.id)).statusCode).toBe(403);
    await saveAll(ctx.app, own, unit);
    expect((await ctx.app.inject({ method: 'POST', url: `${reportUrl(unit)}/submit`, headers: own })).statusCode).toBe(200);
    expect((await download(as.lead, created.id)).statusCode).toBe(200);
  });

  it('deletes a draft file never part of a version for good, with its blob when nothing else names it', async () => {
    const unit = 'transport';
    const own = await bearer(ctx.app, 'department', unit);
    await saveAll(ctx.app, own, unit);
    const before = await counts();
    const created = (await upload(own, fileForm('草稿.pdf', pdfOfSize(600 * 1024), []), unit)).json();
    expect(await counts()).toEqual({ blobs: before.blobs + 1, chunks: before.chunks + 3, attachments: before.attachments + 1 });
    expect((await ctx.app.inject({ method: 'DELETE', url: `/v1/attachments/${created.id}`, headers: own })).statusCode).toBe(204);
    expect(await counts()).toEqual(before);
    expect((await download(own, created.id)).statusCode).toBe(404);
  });
});

describe('pending blobs at start-up', () => {
  const ctx = useTestApp();

  it('deletes those older than an hour (an upload a crash cut off) and keeps younger ones', async () => {
    const now = Date.now();
    const old = { id: randomUUID(), complete: false, createdAt: new Date(now - 2 * 60 * 60 * 1000) };
    const recent = { id: randomUUID(), complete: false, createdAt: new Date(now - 60 * 1000) };
    await ctx.app.db.insert(attachmentBlobs).values([old, recent]);
    await ctx.app.db.insert(attachmentChunks).values({ blobId: old.id, seq: 0, data: Buffer.from('%PDF-') });
    const restarted = await buildApp(testConfig, { database: await ctx.database.open() });
    await restarted.ready();
    await restarted.close();
    const left = await ctx.app.db.select({ id: attachmentBlobs.id }).from(attachmentBlobs);
    expect(left.map((blob) => blob.id)).toEqual([recent.id]);
    expect(await ctx.app.db.select().from(attachmentChunks)).toEqual([]);
  });
});

describe('per-report limits (small ones, set by config)', () => {
  const ctx = useTestApp({ clock: testClock('2017-10-09T10:00:00+08:00'), config: { attachmentsMaxBytesPerReport: 1 * MiB, attachmentsMaxFilesPerReport: 3 } });
  const { upload, counts } = helpers(ctx);

  it('refuses a file that would take a report past its bytes with 413, storing nothing', async () => {
    const unit = await bearer(ctx.app, 'department', UNIT);
    expect((await upload(unit, fileForm('a.pdf', pdfOfSize(700 * 1024)))).statusCode).toBe(201);
    const before = await counts();
    const response = await upload(unit, fileForm('b.pdf', pdfOfSize(400 * 1024)));
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json().detail).toMatch(/1 MiB together/);
    expect(await counts()).toEqual(before);
  });

  it('refuses a file past the count with 409', async () => {
    const unit = await bearer(ctx.app, 'department', 'transport');
    for (const grey of [1, 2, 3]) expect((await upload(unit, fileForm('p.png', png(grey)), 'transport')).statusCode).toBe(201);
    const response = await upload(unit, fileForm('p.png', png(4)), 'transport');
    expect(response.statusCode).toBe(409);
    expect(response.json().detail).toMatch(/already has 3 attachments/);
  });
});

describe('attachments on the embedded database (PGlite)', () => {
  const ctx = useTestApp({ driver: 'pglite', clock: testClock('2017-10-09T10:00:00+08:00') });
  const { upload, download } = helpers(ctx);

  it('stores a file of several chunks and gives the same bytes back', async () => {
    const unit = await bearer(ctx.app, 'department', UNIT);
    const content = pdfOfSize(700 * 1024 + 3);
    const created = await upload(unit, fileForm('多块.pdf', content, ROW));
    expect(created.statusCode, created.body).toBe(201);
    const fetched = await download(unit, created.json().id);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.rawPayload.equals(content)).toBe(true);
    const again = await upload(unit, fileForm('多块2.pdf', content));
    expect(again.json().sha256).toBe(created.json().sha256);
  });
});
