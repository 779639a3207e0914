import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api/client';
import type { Report } from './entries';

export interface ReportAddress {
  plan: string;
  period: string;
  department: string;
}

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
      const { data, response } = await api.GET('/v1/plans/{plan}/periods/{period}/reports/{department}', { params: { path: address } });
      return { report: data!, etag: response.headers.get('etag') };
    },
  });
  const setLoaded = (loaded: LoadedReport) => {
    queryClient.setQueryData(reportKey(address), loaded);
    void queryClient.invalidateQueries({ queryKey: ['overview'] });
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
