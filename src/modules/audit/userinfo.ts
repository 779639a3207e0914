/**
 * `scheme://user:password@` in any URL inside a string; the userinfo runs to the last `@` before
 * the path, as the WHATWG URL parser reads it, so `http://a@b@host/` loses `a@b@` too.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/**
 * A copy of a JSON-like value with the user name and password removed from every URL in its
 * strings. Credentials pasted into a URL would otherwise be kept for good in the audit log.
 */
export function withoutUserinfo<T>(value: T): T {
  if (typeof value === 'string') return value.replace(USERINFO, '$1') as T;
  if (Array.isArray(value)) return value.map(withoutUserinfo) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutUserinfo(item)])) as T;
  }
  return value;
}
