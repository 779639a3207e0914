import { PassThrough } from 'node:stream';
import type { Queryable } from '../../db/client.js';
import { writeAudit } from './dossier-audit.js';
import { writeFolders } from './dossier-folders.js';
import { writeIndex } from './dossier-index.js';
import type { DossierScope } from './dossier-scope.js';
import { docxTemplate } from './docx-package.js';
import type { EntryOptions, ZipWriter } from './zip-writer.js';

export { resolveScope, type DossierQuery, type DossierScope, type Requester } from './dossier-scope.js';

/** An entry produced while the archive reads it: `produce` writes into the stream and ends it (or its writer does). */
async function streamedEntry(zip: ZipWriter, name: string, options: EntryOptions, produce: (target: PassThrough) => Promise<void>) {
  const target = new PassThrough();
  const added = zip.add(name, target, options);
  // Awaited below; until then its rejection (the client went away) must not count as unhandled.
  added.catch(() => undefined);
  try {
    await produce(target);
  } catch (error) {
    target.destroy(error as Error);
    await added.catch(() => undefined);
    throw error;
  }
  await added;
}

/**
 * The dossier (台账) into `zip`: 索引.xlsx, a folder per period and unit (报告.docx,
 * 牵头汇总意见.docx, 附件/), then 审计记录.csv. One query at a time, slice by slice; rejects
 * with DossierAborted as soon as the client has gone.
 */
export async function writeDossier(db: Queryable, scope: DossierScope, zip: ZipWriter, now: Date): Promise<void> {
  await docxTemplate();
  await streamedEntry(zip, '索引.xlsx', { compress: false, mtime: now }, (target) => writeIndex(db, scope, target, zip, now));
  await writeFolders(db, scope, zip);
  await streamedEntry(zip, '审计记录.csv', { compress: true, mtime: now }, (target) => writeAudit(db, scope, target, zip));
  await zip.finish();
}
