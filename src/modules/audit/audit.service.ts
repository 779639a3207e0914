import type { Queryable } from '../../db/client.js';
import { insertAudit } from './audit.repository.js';

/** Who did something: the token behind a request, or the command line. */
export interface Actor {
  tokenId: string | null;
  role: 'department' | 'office' | 'admin' | 'system';
  departmentCode: string | null;
  requestId: string | null;
}

export const systemActor: Actor = { tokenId: null, role: 'system', departmentCode: null, requestId: null };

export interface AuditEvent {
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** Writes the audit row; call it inside the transaction of the write it describes. */
export function recordAudit(db: Queryable, actor: Actor, at: Date, event: AuditEvent): Promise<void> {
  return insertAudit(db, {
    at,
    actorTokenId: actor.tokenId,
    actorRole: actor.role,
    actorDepartment: actor.departmentCode,
    requestId: actor.requestId,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId,
    before: event.before ?? null,
    after: event.after ?? null,
  });
}
