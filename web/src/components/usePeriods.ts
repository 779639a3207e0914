import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api/client';
import type { components } from '../api/schema';

type Period = components['schemas']['ReportingPeriod'];

export function usePeriods(plan: string) {
  return useQuery({
    queryKey: ['periods', plan],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/periods', { params: { path: { plan } } })).data!,
    staleTime: 5 * 60_000,
  });
}

/** The period being reported now: the first whose deadline is still ahead, else the last one. */
export function currentPeriod(periods: Period[], now = new Date()): Period | undefined {
  const quarterly = periods.filter((period) => period.kind === 'quarterly');
  return quarterly.find((period) => new Date(period.dueAt) >= now) ?? quarterly.at(-1) ?? periods.at(-1);
}

/**
 * The year whose targets are set now: that of the period being reported, when it has targets
 * (a year's targets are due in its first quarter), else the next targets still due, else the last.
 */
export function currentTargetsYear(periods: Period[], now = new Date()): string | undefined {
  const targets = periods.filter((period) => period.kind === 'targets');
  const year = currentPeriod(periods, now)?.endsOn.slice(0, 4);
  const chosen = targets.find((period) => period.id === `${year}-targets`) ?? targets.find((period) => new Date(period.dueAt) >= now) ?? targets.at(-1);
  return chosen?.id.slice(0, 4);
}

export function useCurrentTargetsYear(plan: string): string | undefined {
  const { data } = usePeriods(plan);
  return data ? currentTargetsYear(data.items) : undefined;
}

export function useCurrentPeriod(plan: string): string | undefined {
  const { data } = usePeriods(plan);
  return data ? currentPeriod(data.items)?.id : undefined;
}

/** Sets the page <title> (screen readers and tabs). */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} - 危化品综合治理工作跟踪`;
  }, [title]);
}
