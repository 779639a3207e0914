import { AppError, type Text } from '../../errors.js';
import { listedTags } from '../../http/entity-tags.js';

/** A report's entity tag: its version, quoted. */
export const etagOf = (version: number) => `"v${version}"`;

/**
 * `If-Match` holds one or more entity tags, or `*` (RFC 9110 §13.1.1); weak tags compare like
 * strong ones here. An entity tag is quoted; an unquoted one (`v2`) never matches, and the
 * message shows the form to send, so a client does not retry the same mistake. `subject` names
 * what carries the tag (a report, a lead department's opinions).
 */
export function assertMatches(ifMatch: string | undefined, version: number, subject: Text = { en: 'report', zh: '报告' }) {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const tags = listedTags(ifMatch);
  if (tags.includes(etagOf(version))) return;
  const unquoted = tags.filter((tag) => !/^"[^"]*"$/.test(tag));
  if (unquoted.length > 0) {
    const named = unquoted.filter((tag) => tag !== '');
    const quoted = named.length > 0 ? named.map((tag) => `"${tag.replace(/"/g, '')}"`).join(', ') : etagOf(version);
    const sent = ifMatch.trim() === '' ? 'an empty value' : ifMatch.trim();
    throw new AppError('PRECONDITION_FAILED', {
      en: `If-Match takes entity tags in quotes, as the ETag header gives them: send If-Match: ${quoted}, not ${sent}. The ${subject.en}'s current ETag is ${etagOf(version)}`,
      zh: `If-Match 须照 ETag 响应头的写法带引号：请发送 If-Match: ${quoted}，而不是 ${ifMatch.trim() === '' ? '空值' : sent}。${subject.zh}当前的 ETag 为 ${etagOf(version)}`,
    });
  }
  throw new AppError('PRECONDITION_FAILED', {
    en: `The ${subject.en} has changed: its current ETag is ${etagOf(version)}`,
    zh: `${subject.zh}已被他人修改：当前 ETag 为 ${etagOf(version)}，请重新读取后再保存`,
  });
}
