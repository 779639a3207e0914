import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { invalid, validatorCompiler, type LocalizedValidationIssue } from '../../http/validation.js';
import type { Actor } from '../audit/audit.service.js';
import { uploadFieldsSchema, type AttachmentView, type UploadFields } from './attachments.schemas.js';
import { assertRow, attachUpload, DEFAULT_ATTACHMENT_LIMITS, receiveUpload, type AttachmentLimits, type UploadTarget, type VersionLock } from './attachments.service.js';
import { discardPending, type ReceivedFile } from './blob-storage.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** ATTACHMENT_MAX_BYTES and the per-report limits, for every route that takes attachments. */
    attachmentLimits: AttachmentLimits;
  }
}

/** Makes the configured attachment limits available to every module (the report's and the lead opinions' upload routes). */
export const attachmentLimitsPlugin = fp<{ limits?: Partial<AttachmentLimits> | undefined }>(
  async (app, options) => {
    const given = Object.entries(options.limits ?? {}).filter(([, value]) => value !== undefined);
    app.decorate('attachmentLimits', { ...DEFAULT_ATTACHMENT_LIMITS, ...Object.fromEntries(given) });
  },
  { name: 'attachment-limits' },
);

const FIELDS = new Set(['measureNo', 'taskSeq', 'description']);

/** An upload route's validator compiler: the body is streamed by the handler (its schema only documents the form); params are validated as usual. */
export const streamedBody: FastifySchemaCompiler<unknown> = (route) => (route.httpPart === 'body' ? (data) => ({ value: data }) : validatorCompiler(route));

/**
 * The multipart parser, for the calling plugin's routes only: every other route keeps refusing
 * multipart/form-data with 415. Busboy stops a file one byte past the limit (the upload then
 * fails with 413) and a request at one file and a few short fields.
 */
export async function registerMultipart(scope: FastifyInstance): Promise<void> {
  await scope.register(multipart, {
    limits: { files: 1, fields: FIELDS.size, fieldSize: 4 * 1024, fieldNameSize: 100, parts: FIELDS.size + 1, headerPairs: 50, fileSize: scope.attachmentLimits.maxFileBytes + 1 },
    throwFileSizeLimit: false,
  });
}

const malformed = (error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT') return invalid([{ path: 'body.file', message: { en: 'send one file per request', zh: '每次只能上传一个文件' } }]);
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return invalid([{ path: 'body', message: { en: 'only measureNo, taskSeq, description and one file may be sent', zh: '只能发送 measureNo、taskSeq、description 和一个文件' } }]);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError('BAD_REQUEST', { en: `The multipart/form-data body is malformed or incomplete: ${reason}`, zh: `multipart/form-data 请求体格式有误或不完整：${reason}` });
};

function parseFields(raw: Record<string, string>): UploadFields {
  const result = validatorCompiler({ schema: uploadFieldsSchema, method: 'POST', url: '', httpPart: 'body' })(raw) as { value?: UploadFields; error?: LocalizedValidationIssue[] };
  if (!result.error) return result.value!;
  throw invalid(result.error.map((issue) => ({ path: ['body', ...issue.instancePath.split('/').filter(Boolean)].join('.'), message: issue.text })));
}

export interface UploadRequest {
  db: Database;
  target: UploadTarget;
  /** The owner's version, or its lock run in the attachment's transaction (see VersionLock). */
  currentVersion: number | VersionLock;
  actor: Actor;
  at: Date;
}

/**
 * Reads a multipart upload: text fields (measureNo, taskSeq, description) and one `file` part,
 * streamed into storage as it arrives. Fields sent before the file are checked before the file is
 * read; fields after it, once it is stored (and the file is discarded if they are wrong).
 */
export async function readUpload(request: FastifyRequest, upload: UploadRequest): Promise<AttachmentView> {
  if (!request.isMultipart?.()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      en: 'Send the file as multipart/form-data with a part named file (and the fields measureNo, taskSeq, description first)',
      zh: '请以 multipart/form-data 上传，文件部分名为 file（measureNo、taskSeq、description 字段放在文件之前）',
    });
  }
  const raw: Record<string, string> = {};
  let received: ReceivedFile | undefined;
  let fileName = '';
  try {
    const parts = request.parts();
    for (;;) {
      const next = await parts.next().catch((error: unknown) => Promise.reject(malformed(error)));
      if (next.done) break;
      const part = next.value;
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw invalid([{ path: `body.${part.fieldname}`, message: { en: 'the file part must be named file', zh: '文件部分须命名为 file' } }]);
        assertRow(upload.target, parseFields(raw));
        fileName = part.filename;
        received = await receiveUpload(upload.db, upload.target, part.file, fileName, upload.at);
      } else if (!FIELDS.has(part.fieldname) || raw[part.fieldname] !== undefined || part.valueTruncated) {
        const problem = !FIELDS.has(part.fieldname) ? { en: 'is not a field of an upload', zh: '不是上传可带的字段' } : part.valueTruncated ? { en: 'is too long', zh: '过长' } : { en: 'is sent twice', zh: '重复发送' };
        throw invalid([{ path: `body.${part.fieldname}`, message: problem }]);
      } else {
        raw[part.fieldname] = String(part.value);
      }
    }
    if (!received) throw invalid([{ path: 'body.file', message: { en: 'is required: the file to attach', zh: '缺少要上传的文件' } }]);
  } catch (error) {
    if (received) await discardPending(upload.db, received.pendingBlobId);
    throw error;
  }
  let fields: UploadFields;
  try {
    fields = parseFields(raw);
  } catch (error) {
    await discardPending(upload.db, received.pendingBlobId);
    throw error;
  }
  return attachUpload(upload.db, upload.target, received, { fields, fileName, currentVersion: upload.currentVersion, actor: upload.actor, at: upload.at });
}
