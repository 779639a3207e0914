import type { Queryable } from '../../db/client.js';
import { insertAudit, type NewAuditRow } from './audit.repository.js';
import type { AuditAction, AuditEntityType } from './audit.schemas.js';
import { withoutUserinfo } from './userinfo.js';

/** Who did something: the token behind a request, or the command line. */
export interface Actor {
  tokenId: string | null;
  role: 'department' | 'office' | 'admin' | 'system';
  departmentCode: string | null;
  requestId: string | null;
  /** The person, when they signed in to the web app with a link (sessions); absent for tokens and the CLI. */
  email?: string | null;
}

export const systemActor: Actor = { tokenId: null, role: 'system', departmentCode: null, requestId: null };

export interface AuditEvent {
  action: AuditAction;
  entityType: AuditEntityType;
  entityId: string;
  /** The entity's state as an object; null when it did not exist before, or no longer does after. */
  before: AuditState;
  after: AuditState;
}

export type AuditState = Record<string, unknown> | null;

/** The audit row of an event (URLs without userinfo). */
export function auditRow(actor: Actor, at: Date, event: AuditEvent): NewAuditRow {
  return {
    at,
    actorTokenId: actor.tokenId,
    actorRole: actor.role,
    actorDepartment: actor.departmentCode,
    actorEmail: actor.email ?? null,
    requestId: actor.requestId,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId,
    before: withoutUserinfo(event.before ?? null),
    after: withoutUserinfo(event.after ?? null),
  };
}

/** Writes the audit row; call it inside the transaction of the write it describes. */
export function recordAudit(db: Queryable, actor: Actor, at: Date, event: AuditEvent): Promise<void> {
  return insertAudit(db, auditRow(actor, at, event));
}
