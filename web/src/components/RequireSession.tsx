import { Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { Role } from '../api/types';
import { useSession } from '../api/session';
import { ProblemAlert } from './ProblemAlert';

/** Every page but /sign-in: without a session, to /sign-in?next=<here>; with the wrong role, 403. */
export function RequireSession({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Spin fullscreen tip="正在加载…" />;
  if (session.isError) return <ProblemAlert error={session.error} />;
  const me = session.data;
  if (!me) {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  if (roles && !roles.includes(me.role)) {
    return <Result status="403" title="无权访问" subTitle="您的账号无权查看此页面。" />;
  }
  return <>{children}</>;
}
