import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Drawer, Form, Input, InputNumber, Space, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../../../api/client';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { COMPONENTS, rubricFieldErrors, type Rubric } from './rubric-form';

const groupError = (messages: string[]) =>
  messages.length > 0 && (
    <div role="alert" style={{ color: '#c41d1d', marginBottom: 12 }}>
      {messages.join(';')}
    </div>
  );

/**
 * 评分规则: the weights and grade bands the office edits. Saved with the ETag read (If-Match), so
 * a rubric someone changed meanwhile is shown, not overwritten; the server's field errors land
 * on the fields.
 */
export default function RubricDrawer({ plan, open, onClose, width }: { plan: string; open: boolean; onClose: () => void; width: number | string }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Rubric>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [groups, setGroups] = useState<{ weights: string[]; grades: string[] }>({ weights: [], grades: [] });
  const [conflict, setConflict] = useState(false);
  const loaded = useQuery({
    queryKey: ['assessment-rubric', plan],
    enabled: open,
    queryFn: async () => {
      const { data, response } = await api.GET('/v1/plans/{plan}/assessment-rubric', { params: { path: { plan } } });
      return { rubric: data!, etag: response.headers.get('etag') };
    },
  });

  const rubric = loaded.data?.rubric;
  useEffect(() => {
    if (rubric && open) form.setFieldsValue(rubric);
  }, [rubric, open, form]);

  const clear = () => {
    setError(null);
    setGroups({ weights: [], grades: [] });
    setConflict(false);
  };

  const save = async () => {
    clear();
    let values: Rubric;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const etag = loaded.data?.etag;
      const { data, response } = await api.PUT('/v1/plans/{plan}/assessment-rubric', {
        params: { path: { plan }, ...(etag ? { header: { 'If-Match': etag } } : {}) },
        body: { weights: values.weights, grades: values.grades },
      });
      queryClient.setQueryData(['assessment-rubric', plan], { rubric: data!, etag: response.headers.get('etag') });
      await queryClient.invalidateQueries({ queryKey: ['assessment', plan] });
      void message.success('评分规则已保存,得分已重新计算');
      onClose();
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 412) setConflict(true);
      else if (caught instanceof ApiError && caught.errors.length > 0) {
        const mapped = rubricFieldErrors(caught.errors);
        form.setFields(mapped.fields as Parameters<typeof form.setFields>[0]);
        setGroups(mapped.groups);
        if (mapped.other.length > 0) setError(new ApiError(caught.status, caught.code, caught.detail, mapped.other));
      } else setError(caught);
    }
    setSaving(false);
  };

  /** Closing drops unsaved edits and their errors: the drawer reopens on the rubric in force. */
  const close = () => {
    clear();
    form.resetFields();
    if (rubric) form.setFieldsValue(rubric);
    onClose();
  };

  const reload = async () => {
    clear();
    form.resetFields();
    const next = await loaded.refetch();
    if (next.data) form.setFieldsValue(next.data.rubric);
  };

  return (
    <Drawer
      open={open}
      onClose={close}
      size={width}
      title="评分规则"
      footer={
        <Space>
          <Button type="primary" onClick={save} loading={saving} disabled={!rubric}>
            保存并重新计算
          </Button>
          <Button onClick={close}>取消</Button>
        </Space>
      }
    >
      {loaded.isPending && <Spin />}
      {loaded.isError && <ProblemAlert error={loaded.error} title="无法读取评分规则" />}
      {conflict && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          style={{ marginBottom: 16 }}
          title="评分规则已被他人修改"
          description="您的修改尚未保存。重新加载将显示最新的评分规则(本页未保存的修改将丢失)。"
          action={<Button size="small" onClick={reload}>重新加载</Button>}
        />
      )}
      <ProblemAlert error={error} title="未能保存" />
      {rubric && (
        <Form form={form} name="rubric" layout="vertical" requiredMark={false}>
          <h2 style={{ fontSize: 16, margin: '0 0 4px' }}>权重</h2>
          <p style={{ color: '#595959', marginTop: 0 }}>得分 = Σ(权重 × 分项得分)÷ Σ权重;权重为相对值(0–1000),之和须大于 0。</p>
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))', columnGap: 12 }}>
            {COMPONENTS.map((component) => (
              <Form.Item
                key={component.key}
                name={['weights', component.key]}
                label={component.label}
                extra={component.help}
                rules={[{ required: true, message: '请填写权重' }, { type: 'number', min: 0, max: 1000, message: '权重须在 0 至 1000 之间' }]}
              >
                <InputNumber min={0} max={1000} style={{ width: '100%' }} />
              </Form.Item>
            ))}
          </div>
          {groupError(groups.weights)}

          <h2 style={{ fontSize: 16, margin: '8px 0 4px' }}>等级</h2>
          <p style={{ color: '#595959', marginTop: 0 }}>从高到低排列,最低分依次递减,最后一档为 0。</p>
          <Form.List name="grades">
            {(bands, { add, remove }) => (
              <>
                {bands.map((band, index) => (
                  <Space key={band.key} align="start" wrap style={{ display: 'flex' }}>
                    <Form.Item
                      name={[band.name, 'name']}
                      label={`第${index + 1}档名称`}
                      rules={[{ required: true, whitespace: true, message: '请填写等级名称' }, { max: 20, message: '不得超过 20 个字' }]}
                    >
                      <Input style={{ width: 120 }} />
                    </Form.Item>
                    <Form.Item
                      name={[band.name, 'min']}
                      label={`第${index + 1}档最低分`}
                      rules={[{ required: true, message: '请填写最低分' }, { type: 'number', min: 0, max: 100, message: '须在 0 至 100 之间' }]}
                    >
                      <InputNumber min={0} max={100} step={0.1} style={{ width: 120 }} />
                    </Form.Item>
                    <Button onClick={() => remove(band.name)} disabled={bands.length <= 1} style={{ marginTop: 30 }} aria-label={`删除第${index + 1}档`}>
                      删除
                    </Button>
                  </Space>
                ))}
                {groupError(groups.grades)}
                <Button onClick={() => add({ name: '', min: 0 })} disabled={bands.length >= 10}>
                  添加等级
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      )}
    </Drawer>
  );
}
