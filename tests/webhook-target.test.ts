import { lookup } from 'node:dns/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkWebhookTarget } from '../src/modules/reminders/webhook-target.js';

/*
 * The SSRF guard of webhooks (src/modules/reminders/webhook-target.ts) alone: which URLs and
 * addresses a webhook may reach. Names do not resolve in the test environment, so the resolver is
 * Node's own for address literals and answers set by each test for names (as in
 * webhook-security.test.ts, which covers setting and sending through the service).
 */
vi.mock('node:dns/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:dns/promises')>();
  return { ...actual, lookup: vi.fn(actual.lookup) };
});

type Resolved = { address: string; family: number }[];
const resolvesTo = (...addresses: string[]) =>
  vi.mocked(lookup).mockImplementationOnce((async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))) as unknown as typeof lookup);

afterEach(() => {
  vi.useRealTimers();
});

const NON_PUBLIC = (range: string) => ({
  en: `points to a non-public address (${range}); the operator may allow such networks with WEBHOOK_ALLOWED_NETWORKS`,
  zh: `指向非公网地址（${range}）；运维人员可通过 WEBHOOK_ALLOWED_NETWORKS 放行此类网段`,
});
const NEVER = (range: string) => ({ en: `points to an address webhooks may never reach (${range})`, zh: `指向 Webhook 不得访问的地址（${range}）` });
const METADATA = { en: 'points to a cloud metadata address, which webhooks may never reach', zh: '指向云元数据地址，Webhook 不得访问' };

/** What a check answers, with the URL as text. */
async function check(url: string, allowed: string[] = []) {
  const result = await checkWebhookTarget(url, allowed);
  return result.ok ? { ...result, url: result.url.href } : result;
}
const refusal = async (url: string, allowed: string[] = []) => {
  const result = await check(url, allowed);
  expect(result, url).toMatchObject({ ok: false, unresolved: false });
  return (result as { reason: unknown }).reason;
};

describe('the URL', () => {
  it('when it is no absolute URL, or not http(s), it is refused', async () => {
    expect(await check('hooks.example.com/reminder')).toEqual({ ok: false, unresolved: false, reason: { en: 'must be an absolute http or https URL', zh: '必须是完整的 http 或 https 地址' } });
    expect(await check('ftp://93.184.216.34/reminder')).toEqual({ ok: false, unresolved: false, reason: { en: 'must use http or https', zh: '必须使用 http 或 https' } });
  });

  it('when it carries a user name, a password or both, it is refused', async () => {
    const reason = { en: 'must not contain a user name or password', zh: '不得包含用户名或密码' };
    for (const url of ['https://user:secret@93.184.216.34/', 'https://user@93.184.216.34/', 'https://:secret@93.184.216.34/']) expect(await refusal(url)).toEqual(reason);
  });

  it('when it is http or https to a public address, it passes with the address to connect to', async () => {
    expect(await check('http://93.184.216.34/hook?x=1')).toEqual({ ok: true, url: 'http://93.184.216.34/hook?x=1', address: '93.184.216.34', family: 4 });
    expect(await check('https://[2606:2800:220:1:248:1893:25c8:1946]:8443/hook')).toEqual({
      ok: true,
      url: 'https://[2606:2800:220:1:248:1893:25c8:1946]:8443/hook',
      address: '2606:2800:220:1:248:1893:25c8:1946',
      family: 6,
    });
  });
});

describe('the name', () => {
  it('asks the resolver for every address, in its own order, and connects to the first', async () => {
    resolvesTo('93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946');
    expect(await check('https://hooks.example.com/r')).toEqual({ ok: true, url: 'https://hooks.example.com/r', address: '93.184.216.34', family: 4 });
    expect(vi.mocked(lookup)).toHaveBeenLastCalledWith('hooks.example.com', { all: true, verbatim: true });
    resolvesTo('2606:2800:220:1:248:1893:25c8:1946', '93.184.216.34');
    expect(await check('https://hooks.example.com/r')).toMatchObject({ address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 });
  });

  it('when any one of its addresses is internal, it is refused: the connection could land there', async () => {
    resolvesTo('93.184.216.34', '10.0.0.7');
    expect(await refusal('https://hooks.example.com/r')).toEqual(NON_PUBLIC('private'));
  });

  it('when it does not resolve, or resolves to nothing, it is reported as unresolved (perhaps temporary)', async () => {
    const unresolved = { ok: false, unresolved: true, reason: { en: 'the host name hooks.example.com did not resolve', zh: '主机名 hooks.example.com 无法解析' } };
    vi.mocked(lookup).mockImplementationOnce(async () => Promise.reject(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' })));
    expect(await check('https://hooks.example.com/r')).toEqual(unresolved);
    resolvesTo();
    expect(await check('https://hooks.example.com/r')).toEqual(unresolved);
  });

  it('when the resolver does not answer, gives up after 5 seconds as unresolved, and a quick answer leaves no timer behind', async () => {
    vi.useFakeTimers();
    vi.mocked(lookup).mockImplementationOnce((() => new Promise<Resolved>(() => undefined)) as unknown as typeof lookup);
    const pending = checkWebhookTarget('https://slow.example.com/r', []);
    await vi.advanceTimersByTimeAsync(4_999);
    let settled = false;
    void pending.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ ok: false, unresolved: true });

    resolvesTo('93.184.216.34');
    expect(await checkWebhookTarget('https://hooks.example.com/r', [])).toMatchObject({ ok: true });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the address', () => {
  it('when it is loopback, private or otherwise non-public, it is refused, naming the range in words', async () => {
    expect(await refusal('http://127.0.0.1:6379/')).toEqual(NON_PUBLIC('loopback'));
    expect(await refusal('http://[::1]/')).toEqual(NON_PUBLIC('loopback'));
    expect(await refusal('http://100.64.0.1/')).toEqual(NON_PUBLIC('carrier grade nat'));
    expect(await refusal('http://[fd12::1]/')).toEqual(NON_PUBLIC('unique local'));
    expect(await refusal('http://[64:ff9b::1]/')).toEqual(NON_PUBLIC('rfc6052'));
    expect(await refusal('http://[2002::1]/')).toEqual(NON_PUBLIC('6to4'));
    expect(await refusal('http://192.0.2.1/')).toEqual(NON_PUBLIC('reserved'));
  });

  it('when it is an IPv4 address written as IPv6, it is judged, and connected to, as the IPv4 address', async () => {
    expect(await refusal('http://[::ffff:127.0.0.1]/')).toEqual(NON_PUBLIC('loopback'));
    expect(await check('http://[::ffff:127.0.0.1]:8080/', ['127.0.0.1/32'])).toMatchObject({ ok: true, address: '127.0.0.1', family: 4 });
  });

  it('when the operator allows its network, it passes; a network of the other IP version opens nothing', async () => {
    expect(await check('http://127.0.0.1:8080/hook', ['127.0.0.1/32'])).toMatchObject({ ok: true, address: '127.0.0.1', family: 4 });
    expect(await check('http://[::1]:8080/hook', ['::1/128'])).toMatchObject({ ok: true, address: '::1', family: 6 });
    expect(await check('http://10.1.2.3/', ['10.0.0.0/8', '192.168.0.0/16'])).toMatchObject({ ok: true, address: '10.1.2.3' });
    expect(await refusal('http://10.1.2.3/', ['192.168.0.0/16'])).toEqual(NON_PUBLIC('private'));
    expect(await refusal('http://[::1]/', ['0.0.0.0/0'])).toEqual(NON_PUBLIC('loopback'));
    expect(await refusal('http://127.0.0.1/', ['::/0'])).toEqual(NON_PUBLIC('loopback'));
  });

  it('when it is a cloud metadata service, it is refused even inside an allowed network', async () => {
    expect(await refusal('http://169.254.169.254/latest/meta-data/', ['169.254.0.0/16'])).toEqual(METADATA);
    expect(await refusal('http://[fd00:ec2::254]/', ['fd00::/8'])).toEqual(METADATA);
    expect(await refusal('http://100.100.100.200/', ['100.64.0.0/10'])).toEqual(METADATA);
  });

  it('when it is link-local, unspecified, multicast or broadcast, it is refused whatever the operator allows', async () => {
    const everything = ['0.0.0.0/0', '::/0'];
    expect(await refusal('http://169.254.1.1/', everything)).toEqual(NEVER('link local'));
    expect(await refusal('http://[fe80::1]/', everything)).toEqual(NEVER('link local'));
    expect(await refusal('http://0.0.0.0/', everything)).toEqual(NEVER('unspecified'));
    expect(await refusal('http://224.0.0.1/', everything)).toEqual(NEVER('multicast'));
    expect(await refusal('http://255.255.255.255/', everything)).toEqual(NEVER('broadcast'));
  });
});
