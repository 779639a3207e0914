import type { components } from '../api/schema';
import { taskStatusText } from '../i18n/zh';

type Figures = components['schemas']['TargetFigures'];
type Metric = Figures['metrics'][number];

/** "完成危险化学品企业安全风险评估 120家", as the targets CSV writes a metric. */
export const metricText = (metric: Metric) => `${metric.name} ${metric.value}${metric.unit}`;

/** "推进中 80%" / "已完成 100%". */
export const stateText = (figures: Pick<Figures, 'status' | 'progress'>) => `${taskStatusText[figures.status]} ${figures.progress}%`;

/** A target or a result in one line: "推进中 80%;完成…评估 120家". */
export const figuresText = (figures: { status: Figures['status']; progress: number; metrics?: Metric[] | undefined }) =>
  [stateText(figures), ...(figures.metrics ?? []).map(metricText)].join(';');
