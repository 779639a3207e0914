import { api } from '../../../api/client';
import { targetsYearOf } from '../../../i18n/zh';
import type { Narrative, Report, ReportEntry } from './entries';

export interface ReportAddress {
  plan: string;
  /** A quarter, `summary`, or a year's targets (`2018-targets`). */
  period: string;
  department: string;
}

type Answer = Promise<{ data?: Report; response: Response }>;

/** What the report pages do with a report, whichever route serves it. */
export interface ReportCalls {
  get(): Answer;
  /** `narrative`: the 总结报告正文, sent on the summary period only. */
  save(entries: ReportEntry[], ifMatch: string | null, narrative?: Narrative): Answer;
  submit(ifMatch: string | null): Answer;
  accept(ifMatch: string | null): Answer;
  return(reason: string, ifMatch: string | null): Answer;
}

const header = (tag: string | null) => (tag ? { header: { 'If-Match': tag } } : {});

/**
 * A year's targets are the report of `<year>-targets`; the pages use the API's own targets routes
 * for them (/years/{year}/targets/{department}), as an integrator would, and the period routes
 * for quarters and the 总结报告. Both answer the same Report.
 */
export function reportCalls(address: ReportAddress): ReportCalls {
  const year = targetsYearOf(address.period);
  if (year) {
    const path = { plan: address.plan, year, department: address.department };
    return {
      get: () => api.GET('/v1/plans/{plan}/years/{year}/targets/{department}', { params: { path } }),
      save: (entries, tag) => api.PUT('/v1/plans/{plan}/years/{year}/targets/{department}', { params: { path, ...header(tag) }, body: { entries } }),
      submit: (tag) => api.POST('/v1/plans/{plan}/years/{year}/targets/{department}/submit', { params: { path, ...header(tag) } }),
      accept: (tag) => api.POST('/v1/plans/{plan}/years/{year}/targets/{department}/accept', { params: { path, ...header(tag) } }),
      return: (reason, tag) => api.POST('/v1/plans/{plan}/years/{year}/targets/{department}/return', { params: { path, ...header(tag) }, body: { reason } }),
    };
  }
  const path = address;
  return {
    get: () => api.GET('/v1/plans/{plan}/periods/{period}/reports/{department}', { params: { path } }),
    save: (entries, tag, narrative) =>
      api.PUT('/v1/plans/{plan}/periods/{period}/reports/{department}', { params: { path, ...header(tag) }, body: { entries, ...(narrative ? { narrative } : {}) } }),
    submit: (tag) => api.POST('/v1/plans/{plan}/periods/{period}/reports/{department}/submit', { params: { path, ...header(tag) } }),
    accept: (tag) => api.POST('/v1/plans/{plan}/periods/{period}/reports/{department}/accept', { params: { path, ...header(tag) } }),
    return: (reason, tag) => api.POST('/v1/plans/{plan}/periods/{period}/reports/{department}/return', { params: { path, ...header(tag) }, body: { reason } }),
  };
}
