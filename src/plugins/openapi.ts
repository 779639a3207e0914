import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const apiVersion = '1.0.0';

/** The OpenAPI document is generated from the route schemas; `/openapi.json` serves it, `/docs` browses it. */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'hazchem-tracker',
          version: apiVersion,
          description:
            'Tracks 《上海市危险化学品安全综合治理实施方案》(沪府办发〔2017〕25号): its 工作措施和部门分工表, the units that carry each task, and their quarterly progress. Errors are application/problem+json (RFC 9457).',
          license: { name: 'MIT', identifier: 'MIT' },
        },
        tags: [
          { name: 'plans', description: 'The plan, its phases and the 分工表 (public).' },
          { name: 'departments', description: 'Units named in the 分工表 and what each carries (public).' },
          { name: 'health', description: 'Liveness and readiness probes.' },
        ],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
