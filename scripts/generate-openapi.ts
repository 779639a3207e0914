import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { openApiPath, renderOpenApiDocument } from '../src/openapi-document.js';

await writeFile(openApiPath, await renderOpenApiDocument());
console.error(`wrote ${fileURLToPath(openApiPath)}`);
