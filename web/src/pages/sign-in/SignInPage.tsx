import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Spin, Tabs } from 'antd';
import { useEffect, useRef } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, setCsrfToken } from '../../api/client';
import type { Me } from '../../api/types';
import { sessionKey } from '../../api/session';
import { Muted, PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePeriods';

/** Only paths of this site: "/x", never "//host" or "https://…". */
export const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/');

function EmailForm({ next }: { next: string | null }) {
  const send = useMutation({
    mutationFn: async (email: string) =>
      (await api.POST('/v1/auth/links', { body: { email, ...(next ? { next: safeNext(next) } : {}) } })).data!,
  });
  return (
    <>
      {send.isSuccess && <Alert type="success" showIcon title="登录链接已发送至您的邮箱,15分钟内有效" style={{ marginBottom: 16 }} />}
      <ProblemAlert error={send.error} title="发送失败" />
      <Form name="email-sign-in" layout="vertical" onFinish={(values: { email: string }) => send.mutate(values.email.trim())} requiredMark={false}>
        <Form.Item label="邮箱" name="email" rules={[{ required: true, message: '请输入邮箱' }, { type: 'email', message: '邮箱格式不正确' }]}>
          <Input type="email" autoComplete="email" placeholder="联络员登记的邮箱" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={send.isPending}>
          发送登录链接
        </Button>
      </Form>
      <p style={{ marginTop: 12, marginBottom: 0 }}>
        <Muted>处级联络员、工作人员请使用本单位登记的邮箱;市安委会办公室使用管理员登记的邮箱。</Muted>
      </p>
    </>
  );
}

function TokenForm({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const signIn = useMutation({
    mutationFn: async (apiToken: string) => (await api.POST('/v1/auth/session', { body: { apiToken } })).data!,
    onSuccess: onSignedIn,
  });
  return (
    <>
      <ProblemAlert error={signIn.error} title="登录失败" />
      <Form name="token-sign-in" layout="vertical" onFinish={(values: { token: string }) => signIn.mutate(values.token.trim())} requiredMark={false}>
        <Form.Item label="访问令牌" name="token" rules={[{ required: true, message: '请输入访问令牌' }]} extra="市安委会办公室或管理员的令牌">
          <Input.Password autoComplete="off" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
          登录
        </Button>
      </Form>
    </>
  );
}

export default function SignInPage() {
  usePageTitle('登录');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const linkToken = params.get('token');
  const next = params.get('next');

  const onSignedIn = (me: Me) => {
    setCsrfToken(me.csrfToken);
    queryClient.setQueryData(sessionKey, me);
    navigate(safeNext(next), { replace: true });
  };
  const consume = useMutation({
    mutationFn: async (token: string) => (await api.POST('/v1/auth/session', { body: { linkToken: token } })).data!,
    onSuccess: onSignedIn,
  });
  // The link is single-use: post it once, even when React runs the effect twice.
  const posted = useRef(false);
  useEffect(() => {
    if (linkToken && !posted.current) {
      posted.current = true;
      consume.mutate(linkToken);
    }
  }, [linkToken, consume]);

  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5', padding: 12 }}>
      <Card style={{ width: '100%', maxWidth: 420 }}>
        <PageTitle style={{ textAlign: 'center', marginBottom: 8 }}>危化品综合治理工作跟踪</PageTitle>
        <p style={{ textAlign: 'center' }}>
          <Muted>《上海市危险化学品安全综合治理实施方案》季度报送</Muted>
        </p>
        {linkToken && consume.isPending && <Spin tip="正在登录…"><div style={{ height: 48 }} /></Spin>}
        <ProblemAlert error={consume.error} title="登录链接无效" />
        {(!linkToken || consume.isError) && (
          <Tabs
            items={[
              { key: 'email', label: '邮箱登录', children: <EmailForm next={next} /> },
              { key: 'token', label: '使用API令牌登录', children: <TokenForm onSignedIn={onSignedIn} /> },
            ]}
          />
        )}
      </Card>
    </main>
  );
}
