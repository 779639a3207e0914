import { Alert } from 'antd';
import { ApiError } from '../api/client';

const statusText: Record<number, string> = {
  401: '登录已失效,请重新登录。',
  403: '无权执行此操作。',
  404: '未找到。',
  409: '当前状态不允许此操作。',
  412: '此报告已在其他窗口或由他人修改,请重新加载后再编辑。',
  429: '操作过于频繁,请稍后再试。',
  503: '服务暂不可用,请稍后再试。',
};

/** Chinese text for any thrown error (the API localises `detail` for Accept-Language: zh-CN). */
export function problemText(error: unknown): string {
  if (error instanceof ApiError) return error.detail || statusText[error.status] || error.title || `请求失败(${error.status})`;
  if (error instanceof TypeError) return '无法连接服务器,请检查网络。';
  return error instanceof Error ? error.message : String(error);
}

export function ProblemAlert({ error, title = '操作失败' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? error.errors : [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={title}
      description={
        <>
          <div>{problemText(error)}</div>
          {fields.length > 0 && (
            <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
              {fields.map((field) => (
                <li key={field.path + field.message}>{field.message}</li>
              ))}
            </ul>
          )}
        </>
      }
      style={{ marginBottom: 16 }}
    />
  );
}
