import Fastify from 'fastify';
import pg from 'pg';
import { RAW_CONSOLIDATED_SQL } from './raw-consolidated.js';
import { rawSubmissionValues, SUBMISSION_SQL, type RawSubmission } from './raw-writes.js';

/*
 * The ceiling: a bare Fastify in its own process, started like the service (tsx, same pino level,
 * same pool size), with no plugins, no auth and no schemas.
 *   GET /ceiling            the measures payload as a constant, pre-serialised string
 *   GET /ceiling-serialize  the same payload as a constant object, JSON.stringify'd per request
 *   GET /raw/consolidated   the consolidated aggregation as one SQL statement through pg
 *                           (bench/raw-consolidated.ts), sent as the json text Postgres returns
 *   POST /raw/submit        one submission's rows as one prepared statement through pg
 *                           (bench/raw-writes.ts), the JSON it is sent parsed and nothing checked:
 *                           the write path's floor behind HTTP on this machine
 *   PUT /payload            sets the constant (the harness sends the service's measures answer)
 */
const port = Number(process.env.PORT ?? 0);
let payloadText = '{}';
let payloadObject: unknown = {};
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_MAX ?? 10) });
pool.on('error', () => {});

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'warn' } });
app.get('/ceiling', async (_request, reply) => reply.type('application/json; charset=utf-8').send(payloadText));
app.get('/ceiling-serialize', async () => payloadObject);
app.get<{ Querystring: { plan: string; period: string } }>('/raw/consolidated', async (request, reply) => {
  const result = await pool.query<{ result: string }>(RAW_CONSOLIDATED_SQL, [request.query.plan, request.query.period]);
  return reply.type('application/json; charset=utf-8').send(result.rows[0]!.result);
});
app.post<{ Body: string }>('/raw/submit', async (request) => {
  const submission = JSON.parse(request.body) as RawSubmission;
  const result = await pool.query<{ id: number }>({ name: 'raw-submission', text: SUBMISSION_SQL, values: rawSubmissionValues(submission) });
  return { id: result.rows[0]!.id };
});
app.get('/readyz', async () => ({ status: 'ok' }));
app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 50 * 1024 * 1024 }, (_request, body, done) => done(null, body));
app.put<{ Body: string }>('/payload', async (request, reply) => {
  payloadObject = JSON.parse(request.body);
  payloadText = request.body;
  return reply.status(204).send();
});

const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

await app.listen({ port, host: '127.0.0.1' });
