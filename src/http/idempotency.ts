import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Queryable } from '../db/client.js';
import { pendingRow, type PendingWrite } from '../db/pending-rows.js';
import { idempotencyKeys } from '../db/schema/index.js';
import { AppError } from '../errors.js';

export interface Outcome {
  statusCode: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface Remember {
  /** Stores the answer of an action inside the action's own transaction. */
  (tx: Queryable, outcome: Outcome): Promise<void>;
  /** The same as rows for an action that writes in one statement (src/db/pending-rows.ts); none without a key. */
  rows(outcome: Outcome): PendingWrite[];
}

const forget: Remember = Object.assign(async () => undefined, { rows: () => [] });

/**
 * Honours an `Idempotency-Key` header on a POST action: the first successful answer is stored
 * per token and key, a retry gets it again, and the same key on a different request is 422.
 * The answer is stored in the action's transaction or statement (`run` passes `remember` down),
 * so an action that committed is always replayed, even when its answer was lost with the
 * connection. Failed attempts are not stored, so a corrected retry can reuse the key.
 *
 * The key is looked up only when the action fails, not before every action: the actions that
 * take a key are workflow steps, and the answer is stored without ON CONFLICT, so a used key
 * makes the action's own write fail (and write nothing). A retry of a step that succeeded fails
 * too (the report is submitted already, its version moved on); either way the stored answer is
 * then found and replayed, or the key's other request makes it a 422. A first request pays no
 * look-up at all.
 */
export async function idempotent(db: Database, request: FastifyRequest, reply: FastifyReply, run: (remember: Remember) => Promise<Outcome>) {
  const key = request.headers['idempotency-key'];
  const tokenId = request.principal?.credentialId;
  if (typeof key !== 'string' || !tokenId) return send(reply, await run(forget));

  const requestHash = createHash('sha256').update(fingerprint(request)).digest('hex');
  const values = (answer: Outcome) => ({ tokenId, key, requestHash, statusCode: answer.statusCode, body: answer.body, headers: answer.headers });
  const remember: Remember = Object.assign(
    async (tx: Queryable, answer: Outcome) => {
      await tx.insert(idempotencyKeys).values(values(answer));
    },
    { rows: (answer: Outcome) => [pendingRow(idempotencyKeys, values(answer))] },
  );
  let outcome: Outcome;
  try {
    outcome = await run(remember);
  } catch (error) {
    // A look-up that fails too (the database is away) leaves the action's own error to answer.
    const [stored] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tokenId, tokenId), eq(idempotencyKeys.key, key)))
      .catch(() => []);
    if (!stored) throw error;
    if (stored.requestHash !== requestHash) {
      throw new AppError('UNPROCESSABLE', {
        en: 'This Idempotency-Key was already used for a different request',
        zh: '该 Idempotency-Key 已用于另一个不同的请求',
      });
    }
    reply.header('idempotent-replayed', 'true');
    outcome = { statusCode: stored.statusCode, body: stored.body, headers: stored.headers };
  }
  return send(reply, outcome);
}

function fingerprint(request: FastifyRequest): string {
  try {
    return JSON.stringify([request.method, request.url, request.body ?? null]);
  } catch {
    // Only a body nested beyond the stack gets here; no action takes such a body.
    throw new AppError('BAD_REQUEST', { en: 'The request body is nested too deeply', zh: '请求体嵌套层级过深' });
  }
}

function send(reply: FastifyReply, outcome: Outcome) {
  return reply.status(outcome.statusCode).headers(outcome.headers).send(outcome.body);
}
