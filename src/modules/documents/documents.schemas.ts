import { z } from 'zod';
import { periodIdSchema } from '../periods/periods.schemas.js';
import { planParamsSchema } from '../plans/plans.schemas.js';
import { CHART_SIZE, PERIOD_CHARTS, PNG_SIZE, TREND_CHARTS } from './charts.js';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const SVG_TYPE = 'image/svg+xml; charset=utf-8';
export const PNG_TYPE = 'image/png';

/** Not an enum: an unknown chart is a 404 (there is no such resource), not a 400. */
export const chartParamsSchema = planParamsSchema.extend({
  chart: z
    .string()
    .max(100)
    .describe(`The chart: per period ${PERIOD_CHARTS.join(', ')}; over the whole campaign ${TREND_CHARTS.join(', ')}. Any other is 404.`)
    .meta({ examples: ['progress-by-category'] }),
});

export const chartQuerySchema = z.object({
  period: periodIdSchema.optional().describe(`The period (2018Q2, summary); required by ${PERIOD_CHARTS.join(', ')} (400 on query.period without it), ignored by the trends.`),
});

export const chartDescription =
  `Charts of the consolidated figures, as in the summary report: ${PERIOD_CHARTS.join(', ')} of one period, ${TREND_CHARTS.join(', ')} over every period. ` +
  `Chinese labels in fonts every office suite and browser has one of; the SVG is ${CHART_SIZE.width}×${CHART_SIZE.height}, the PNG ${PNG_SIZE.width}×${PNG_SIZE.height}. ` +
  'Served with an ETag that changes with the reports and deadlines it is drawn from (If-None-Match answers 304) and Cache-Control: private, no-cache.';
