import type { IncomingHttpHeaders } from 'node:http';
import Negotiator from 'negotiator';
import type { Language } from '../errors.js';

/**
 * The language of the texts meant for people (problem titles, details, field messages), chosen
 * from Accept-Language (RFC 9110 §12.5.4) by `negotiator`, which honours q-values and ranges:
 * any Chinese tag (`zh`, `zh-CN`, `zh-Hans`, `zh-Hans-CN`...) whose q is above 0 and not below
 * English's gives Chinese; anything else, `*`, or no header gives English, the integrators'
 * default. The service writes one Chinese, Simplified, which is what `zh-*` falls back to.
 */
const AVAILABLE = ['en', 'zh'];

export function languageOf(request: { headers: IncomingHttpHeaders }): Language {
  if (!request.headers['accept-language']) return 'en';
  return new Negotiator(request).language(AVAILABLE) === 'zh' ? 'zh' : 'en';
}

/** The Content-Language of a text in `language`. */
export const contentLanguage = (language: Language) => (language === 'zh' ? 'zh-CN' : 'en');
