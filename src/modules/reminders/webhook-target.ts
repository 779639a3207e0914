import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { Text } from '../../errors.js';

/**
 * Where a webhook may be sent. A department names the URL, so without this check it could make
 * the service POST to its own Redis, Postgres, the cloud metadata service or any intranet host
 * (SSRF, OWASP API7:2023). The same check runs when the URL is set and again before each send,
 * and the send connects to the address checked here, so a name that later resolves elsewhere
 * (DNS rebinding) cannot slip past.
 */

/** A URL that passed the check and the address the request must connect to. */
export interface CheckedTarget {
  ok: true;
  url: URL;
  address: string;
  family: 4 | 6;
}

export interface RefusedTarget {
  ok: false;
  /** True when the name did not resolve (may be temporary), false when the target is refused. */
  unresolved: boolean;
  /** Says what is wrong without naming the resolved address (it may be an intranet detail). */
  reason: Text;
}

export type TargetCheck = CheckedTarget | RefusedTarget;

/** Cloud metadata services; each sits in a range an operator might allow (fd00::/8, 100.64.0.0/10). */
const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200'].map((address) => ipaddr.parse(address).toString());

/** ipaddr.js ranges no CIDR in WEBHOOK_ALLOWED_NETWORKS can open: never a meaningful receiver. */
const NEVER_ALLOWED_RANGES = new Set(['linkLocal', 'unspecified', 'multicast', 'broadcast']);

const LOOKUP_TIMEOUT_MS = 5_000;

const refused = (reason: Text): RefusedTarget => ({ ok: false, unresolved: false, reason });

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** ipaddr.js range names read as words: 'carrierGradeNat' -> 'carrier grade nat'; '6to4' and 'rfc6052' stay whole. */
const words = (range: string) => range.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** Why this address may not be reached, or null when it may. */
function addressRefusal(address: Address, allowed: ReadonlyArray<[Address, number]>): Text | null {
  const range = address.range();
  if (METADATA_ADDRESSES.includes(address.toString())) return { en: 'points to a cloud metadata address, which webhooks may never reach', zh: '指向云元数据地址，Webhook 不得访问' };
  if (NEVER_ALLOWED_RANGES.has(range)) return { en: `points to an address webhooks may never reach (${words(range)})`, zh: `指向 Webhook 不得访问的地址（${words(range)}）` };
  // Public addresses are 'unicast' in ipaddr.js; every other range (loopback, private, uniqueLocal,
  // carrierGradeNat, reserved, 6to4, …) is internal, special-purpose or embeds another address.
  if (range === 'unicast') return null;
  if (allowed.some((network) => network[0].kind() === address.kind() && address.match(network))) return null;
  return {
    en: `points to a non-public address (${words(range)}); the operator may allow such networks with WEBHOOK_ALLOWED_NETWORKS`,
    zh: `指向非公网地址（${words(range)}）；运维人员可通过 WEBHOOK_ALLOWED_NETWORKS 放行此类网段`,
  };
}

async function resolveAll(hostname: string): Promise<Array<{ address: string; family: number }> | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(resolve, LOOKUP_TIMEOUT_MS, null);
  });
  try {
    const found = await Promise.race([lookup(hostname, { all: true, verbatim: true }).catch(() => null), timeout]);
    return found && found.length > 0 ? found : null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks a webhook URL: http(s) only, no user name or password, and every address the name resolves
 * to public or inside `allowedNetworks` (CIDRs). Returns the first address to connect to.
 */
export async function checkWebhookTarget(raw: string, allowedNetworks: readonly string[]): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refused({ en: 'must be an absolute http or https URL', zh: '必须是完整的 http 或 https 地址' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refused({ en: 'must use http or https', zh: '必须使用 http 或 https' });
  // Credentials in the URL would be stored, shown and logged with it; use the signing secret instead.
  if (url.username || url.password) return refused({ en: 'must not contain a user name or password', zh: '不得包含用户名或密码' });
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const found = await resolveAll(hostname);
  if (!found) return { ok: false, unresolved: true, reason: { en: `the host name ${hostname} did not resolve`, zh: `主机名 ${hostname} 无法解析` } };
  const allowed = allowedNetworks.map((cidr) => ipaddr.parseCIDR(cidr));
  // Any one internal address refuses the name: the connection could land on any of them.
  for (const entry of found) {
    const refusal = addressRefusal(ipaddr.process(entry.address), allowed);
    if (refusal) return refused(refusal);
  }
  const first = ipaddr.process(found[0]!.address);
  return { ok: true, url, address: first.toString(), family: first.kind() === 'ipv6' ? 6 : 4 };
}
