/*
 * Entity tags in conditional requests (RFC 9110 §8.8.3, §13.1.1–2). The service's tags change with
 * every change of content, so a weak tag (W/"…") compares like the strong one everywhere.
 */

/** The tags a conditional header lists, W/ prefixes dropped. */
export const listedTags = (header: string) => header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));

/** Whether a write may go ahead under `If-Match`: no header, `*`, or one of the listed tags equal to the current one. */
export function ifMatchHolds(ifMatch: string | undefined, etag: string): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '*') return true;
  return listedTags(ifMatch).includes(etag);
}

/** Whether If-None-Match holds the ETag (a 304 then). */
export const ifNoneMatchHolds = (ifNoneMatch: string | undefined, etag: string) => ifNoneMatch !== undefined && listedTags(ifNoneMatch).includes(etag);
