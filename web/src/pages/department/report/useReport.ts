import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../../api/client';
import { usePeriods } from '../../../components/usePeriods';
import { targetsPeriodId, targetsYearOf } from '../../../i18n/zh';
import type { Report } from './entries';
import { reportCalls, type ReportAddress } from './reportCalls';

export type { ReportAddress } from './reportCalls';

export interface LoadedReport {
  report: Report;
  /** The ETag last read ("v<version>"), sent back as If-Match. */
  etag: string | null;
}

export const reportKey = (address: ReportAddress) => ['report-with-etag', address.plan, address.period, address.department] as const;

/** The report with its ETag; writes put what they get back here (setLoaded). */
export function useReport(address: ReportAddress) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: reportKey(address),
    queryFn: async (): Promise<LoadedReport> => {
      const { data, response } = await reportCalls(address).get();
      return { report: data!, etag: response.headers.get('etag') };
    },
  });
  const setLoaded = (loaded: LoadedReport) => {
    queryClient.setQueryData(reportKey(address), loaded);
    void queryClient.invalidateQueries({ queryKey: ['overview'] });
    void queryClient.invalidateQueries({ queryKey: ['year-targets'] });
    void queryClient.invalidateQueries({ queryKey: ['accepted-targets'] });
    void queryClient.invalidateQueries({ queryKey: ['history', address.plan, address.period, address.department] });
  };
  return { ...query, setLoaded };
}

export function useMeasureTitles(plan: string) {
  return useQuery({
    queryKey: ['measures', plan],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/measures', { params: { path: { plan } } })).data!,
    staleTime: 10 * 60_000,
    select: (data) => new Map(data.items.map((measure) => [measure.no, measure.title])),
  });
}

/**
 * The unit's ACCEPTED targets for the year of a progress period (a quarter, or the 总结报告,
 * measured against its last year's targets), to show beside each row; null when the year has no
 * targets period or the targets are not accepted (yet).
 */
export function useAcceptedTargets(address: ReportAddress, wanted = true) {
  const periods = usePeriods(address.plan);
  const period = periods.data?.items.find((candidate) => candidate.id === address.period);
  const year = period && !targetsYearOf(period.id) ? period.endsOn.slice(0, 4) : undefined;
  const hasTargets = Boolean(year && periods.data?.items.some((candidate) => candidate.id === targetsPeriodId(year)));
  return useQuery({
    queryKey: ['accepted-targets', address.plan, year, address.department],
    enabled: wanted && hasTargets,
    queryFn: async (): Promise<Report | null> => {
      try {
        const { data } = await api.GET('/v1/plans/{plan}/years/{year}/targets/{department}', { params: { path: { plan: address.plan, year: year!, department: address.department } } });
        return data?.status === 'accepted' ? data : null;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}
