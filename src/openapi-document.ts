import { buildApp } from './app.js';
import { openDatabase } from './db/client.js';

export const openApiPath = new URL('../openapi/openapi.json', import.meta.url);

/** The OpenAPI document exactly as a running service serves it, serialised the way it is committed. */
export async function renderOpenApiDocument(): Promise<string> {
  const database = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://', poolMax: 1 });
  const app = await buildApp({ logLevel: 'silent' }, { database });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
