/**
 * Whether a write may go ahead under `If-Match` (RFC 9110 §13.1.1): no header, `*`, or one of the
 * listed entity tags equal to the current one. As for reports (reports.service.ts), a weak tag
 * (W/"…") compares like the strong one: the service's tags change with every change of content.
 */
export function ifMatchHolds(ifMatch: string | undefined, etag: string): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '*') return true;
  return ifMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
