import { seedDatabase } from '../../seed/seed.js';
import type { DatabaseHandle } from './client.js';

/** Brings a database to the current schema and seed; both steps are idempotent. */
export async function migrateAndSeed(database: DatabaseHandle): Promise<void> {
  await database.migrate();
  await seedDatabase(database.db);
}
