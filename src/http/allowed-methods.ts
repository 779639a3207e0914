import FindMyWay from 'find-my-way';

/**
 * The methods each route path answers, in a router of its own (find-my-way, the one Fastify
 * routes with), so a request Fastify found no route for can tell "no such path" (404) from
 * "not with this method" (405 with `Allow`, RFC 9110 §15.5.6).
 */
export function createMethodIndex() {
  const router = FindMyWay();
  const methods = new Set<string>();
  return {
    add(method: string | string[], url: string) {
      for (const one of [method].flat()) {
        // The same method and path twice (with different constraints) is one entry here.
        if (router.hasRoute(one as FindMyWay.HTTPMethod, url)) continue;
        router.on(one as FindMyWay.HTTPMethod, url, () => undefined);
        methods.add(one);
      }
    },
    /** The methods `path` answers to, sorted; empty when no route has this path. */
    allowed(path: string): string[] {
      return [...methods].filter((method) => router.find(method as FindMyWay.HTTPMethod, path) !== null).sort();
    },
  };
}
