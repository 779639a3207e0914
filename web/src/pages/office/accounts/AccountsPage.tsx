import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Popconfirm, Select, Space, Spin, Typography } from 'antd';
import { api } from '../../../api/client';
import type { Account } from '../../../api/types';
import { formatTime } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ResponsiveTable, type Column } from '../../../components/ResponsiveTable';
import { usePageTitle } from '../../../components/usePeriods';
import { accountRoleText } from '../../../i18n/zh';

/** Office and admin accounts (admin), and sign-in links for anyone registered (the no-SMTP path). */
export default function AccountsPage() {
  usePageTitle('账号管理');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [createForm] = Form.useForm<{ email: string; name: string; role: 'office' | 'admin' }>();
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: async () => (await api.GET('/v1/accounts')).data! });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['accounts'] });
  const create = useMutation({
    mutationFn: async (body: { email: string; name: string; role: 'office' | 'admin' }) => (await api.POST('/v1/accounts', { body })).data!,
    onSuccess: () => {
      void message.success('账号已创建');
      createForm.resetFields();
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: async (id: string) => api.DELETE('/v1/accounts/{id}', { params: { path: { id } } }),
    onSuccess: refresh,
  });
  const issue = useMutation({
    mutationFn: async (body: { email: string; next?: string }) => (await api.POST('/v1/auth/links/issue', { body })).data!,
  });
  const columns: Column<Account>[] = [
    { key: 'name', title: '姓名', render: (a) => a.name },
    { key: 'email', title: '邮箱', render: (a) => a.email },
    { key: 'role', title: '角色', render: (a) => accountRoleText[a.role] },
    { key: 'created', title: '创建时间', render: (a) => formatTime(a.createdAt) },
    {
      key: 'action',
      title: '操作',
      render: (a) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => issue.mutate({ email: a.email })}>生成登录链接</Button>
          <Popconfirm title={`删除${a.name}的账号?`} okText="删除" cancelText="取消" onConfirm={() => remove.mutate(a.id)}>
            <Button size="small" danger>删除</Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        账号管理
      </Typography.Title>
      <Card size="small" title="生成登录链接" style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">未配置邮件服务时,为已登记的联络员或账号生成一次性登录链接(15分钟内有效),复制后转交本人。</Typography.Paragraph>
        <Form layout="inline" onFinish={(values: { email: string }) => issue.mutate({ email: values.email.trim() })} style={{ rowGap: 8 }}>
          <Form.Item label="邮箱" name="email" rules={[{ required: true, type: 'email', message: '请输入有效邮箱' }]}>
            <Input type="email" style={{ minWidth: 240 }} />
          </Form.Item>
          <Button htmlType="submit" loading={issue.isPending}>生成登录链接</Button>
        </Form>
        <div style={{ marginTop: 12 }}>
          <ProblemAlert error={issue.error} title="未能生成" />
          {issue.data && (
            <Alert
              type="success"
              showIcon
              title={`${issue.data.email}(${accountRoleText[issue.data.role]}${issue.data.department ? ` · ${issue.data.department.name}` : ''})的登录链接,${formatTime(issue.data.expiresAt)}前有效`}
              description={<Typography.Text copyable={{ text: issue.data.url, tooltips: ['复制', '已复制'] }} style={{ wordBreak: 'break-all' }}>{issue.data.url}</Typography.Text>}
            />
          )}
        </div>
      </Card>
      <Card size="small" title="新建账号" style={{ marginBottom: 16 }}>
        <ProblemAlert error={create.error} title="未能创建" />
        <Form form={createForm} name="account" layout="inline" onFinish={(values) => create.mutate(values)} initialValues={{ role: 'office' }} style={{ rowGap: 8 }}>
          <Form.Item label="姓名" name="name" rules={[{ required: true, whitespace: true, message: '请输入姓名' }]}><Input /></Form.Item>
          <Form.Item label="邮箱" name="email" rules={[{ required: true, type: 'email', message: '请输入有效邮箱' }]}><Input type="email" /></Form.Item>
          <Form.Item label="角色" name="role"><Select style={{ width: 160 }} options={[{ value: 'office', label: accountRoleText.office }, { value: 'admin', label: accountRoleText.admin }]} /></Form.Item>
          <Button type="primary" htmlType="submit" loading={create.isPending}>创建</Button>
        </Form>
      </Card>
      <ProblemAlert error={accounts.error ?? remove.error} />
      {accounts.isPending ? <Spin /> : <ResponsiveTable rows={accounts.data?.items ?? []} columns={columns} rowKey={(a) => a.id} cardTitle={(a) => a.name} />}
    </>
  );
}
