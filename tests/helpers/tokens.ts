import type { App } from '../../src/app.js';
import { systemActor } from '../../src/modules/audit/audit.service.js';
import { createToken, type TokenRole } from '../../src/modules/tokens/tokens.service.js';

/** Issues a real token in the app's database and returns the Authorization header for it. */
export async function bearer(app: App, role: TokenRole, department?: string): Promise<{ authorization: string }> {
  const created = await createToken(app.db, systemActor, new Date(), { role, departmentCode: department ?? null, label: `test ${role}` }, () => true);
  return { authorization: `Bearer ${created.token}` };
}
