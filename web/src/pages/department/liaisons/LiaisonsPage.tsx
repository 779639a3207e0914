import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, Row, Spin, Typography } from 'antd';
import { useEffect } from 'react';
import { useParams } from 'react-router';
import { api, ApiError } from '../../../api/client';
import type { components } from '../../../api/schema';
import { formatTime } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePageTitle } from '../../../components/usePeriods';

type LiaisonsInput = components['schemas']['LiaisonsUpdateInput'];
const required = (what: string) => [{ required: true, whitespace: true, message: `请填写${what}` }];
const email = [{ required: true, message: '请填写邮箱' }, { type: 'email' as const, message: '邮箱格式不正确' }];

/** The unit's 处级联络员 and 工作人员 (reminders and sign-in links go to these addresses). */
export default function LiaisonsPage() {
  usePageTitle('联络员登记');
  const { department = '' } = useParams();
  const { message } = App.useApp();
  const [form] = Form.useForm<LiaisonsInput>();
  const queryClient = useQueryClient();
  const current = useQuery({
    queryKey: ['liaisons', department],
    queryFn: async () => {
      try {
        return (await api.GET('/v1/departments/{code}/liaisons', { params: { path: { code: department } } })).data!;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null; // not registered yet
        throw error;
      }
    },
  });
  const unit = useQuery({
    queryKey: ['department', department],
    queryFn: async () => (await api.GET('/v1/departments/{code}', { params: { path: { code: department } } })).data!,
  });
  const save = useMutation({
    mutationFn: async (body: LiaisonsInput) => (await api.PUT('/v1/departments/{code}/liaisons', { params: { path: { code: department } }, body })).data!,
    onSuccess: (data) => {
      queryClient.setQueryData(['liaisons', department], data);
      void message.success('联络员信息已保存');
    },
    onError: (error) => {
      if (error instanceof ApiError) {
        form.setFields(error.errors.filter((e) => e.path.startsWith('body.')).map((e) => ({ name: e.path.split('.').slice(1) as never, errors: [e.message] })));
      }
    },
  });
  useEffect(() => {
    if (current.data) form.setFieldsValue({ officer: current.data.officer, staff: current.data.staff });
  }, [current.data, form]);

  if (current.isPending) return <Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>;
  if (current.isError) return <ProblemAlert error={current.error} />;

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        联络员登记 · {unit.data?.name ?? department}
      </Typography.Title>
      {current.data && <Typography.Paragraph type="secondary">最近更新:{formatTime(current.data.updatedAt)}</Typography.Paragraph>}
      <ProblemAlert error={save.error} title="未能保存" />
      <Form form={form} name="liaisons" layout="vertical" onFinish={(values) => save.mutate(values)} style={{ maxWidth: 720 }}>
        <Card size="small" title="处级联络员" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} sm={12}><Form.Item label="姓名" name={['officer', 'name']} rules={required('姓名')}><Input maxLength={50} autoComplete="name" /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item label="职务" name={['officer', 'position']} rules={required('职务')}><Input maxLength={50} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item label="电话" name={['officer', 'phone']} rules={required('电话')}><Input type="tel" maxLength={30} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item label="邮箱" name={['officer', 'email']} rules={email}><Input type="email" maxLength={254} /></Form.Item></Col>
          </Row>
        </Card>
        <Card size="small" title="工作人员" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} sm={12}><Form.Item label="姓名" name={['staff', 'name']} rules={required('姓名')}><Input maxLength={50} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item label="电话" name={['staff', 'phone']} rules={required('电话')}><Input type="tel" maxLength={30} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item label="邮箱" name={['staff', 'email']} rules={email}><Input type="email" maxLength={254} /></Form.Item></Col>
          </Row>
        </Card>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存
        </Button>
      </Form>
    </>
  );
}
