import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { appPath } from '../app-root.js';
import { AppError } from '../errors.js';

/** Where `npm run build:web` (vite) writes the web app. */
export const DEFAULT_WEB_DIST = appPath('web', 'dist');

/**
 * The web app's routes (web/src/router.tsx): each answers index.html and the browser's router
 * takes over. Everything else (/v1, /docs, /openapi.json, /healthz, /readyz, /admin) is untouched
 * and unknown paths stay 404 problems.
 */
export const WEB_ROUTES = ['/', '/sign-in', '/tasks', '/deadlines', '/notifications', '/reports/*', '/targets/*', '/liaisons/*', '/lead/*', '/dossier/*', '/office/*'];

export interface WebOptions {
  /** The built app (index.html + assets/); tests point it elsewhere. */
  distDir?: string | undefined;
  /** PUBLIC_BASE_URL: only an https site asks browsers to upgrade insecure requests. */
  publicBaseUrl?: string | undefined;
}

/**
 * The page's Content-Security-Policy: scripts from this origin only; inline styles allowed (Ant
 * Design writes its CSS-in-JS into <style> tags); data from this origin's API. Unlike helmet's
 * default it leaves out `upgrade-insecure-requests` on plain-http sites, where it would send the
 * assets' requests to an https port nobody listens on.
 */
function contentSecurityPolicy(https: boolean) {
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "connect-src 'self'",
    "font-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

const notBuilt = () =>
  new AppError('SERVICE_UNAVAILABLE', {
    en: 'web app not built: run npm run build:web',
    zh: '网页端尚未构建:请运行 npm run build:web',
  });

/** Serves the web app from web/dist: hashed assets cached for a year, index.html never cached. */
export default async function web(app: FastifyInstance, options: WebOptions) {
  const dist = options.distDir ?? DEFAULT_WEB_DIST;
  const indexPath = join(dist, 'index.html');
  // Read once: a rebuild takes effect at the next start (its asset names change with it).
  const indexHtml = existsSync(indexPath) ? readFileSync(indexPath) : null;
  const csp = contentSecurityPolicy(options.publicBaseUrl?.startsWith('https:') ?? false);

  const sendIndex = async (_request: unknown, reply: FastifyReply) => {
    if (!indexHtml) throw notBuilt();
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', csp)
      .type('text/html; charset=utf-8')
      .send(indexHtml);
  };
  for (const url of WEB_ROUTES) app.get(url, { schema: { hide: true } }, sendIndex);

  if (indexHtml && existsSync(join(dist, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: '/assets/',
      // swagger-ui decorates its own scope; this one needs no reply.sendFile either
      decorateReply: false,
      index: false,
      // One route per built file (read at start, like index.html): a missing asset is a plain
      // 404, not the 405 a wildcard route would make of it.
      wildcard: false,
      // file names carry a content hash (vite)
      immutable: true,
      maxAge: '365d',
      schemaHide: true,
    });
  } else {
    app.get('/assets/*', { schema: { hide: true } }, async () => {
      throw notBuilt();
    });
  }
}
