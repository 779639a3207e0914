import { Result, Spin } from 'antd';
import { Navigate } from 'react-router';
import { useMe } from '../../api/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { currentPeriod, usePeriods } from '../../components/usePeriods';
import { DEFAULT_PLAN } from '../../i18n/zh';

/** `/`: a department to 本单位任务, the office to 总览 of the current period. */
export default function HomePage() {
  const me = useMe();
  const periods = usePeriods(DEFAULT_PLAN);
  if (me.role === 'department') return <Navigate to="/tasks" replace />;
  if (periods.isPending) return <Spin fullscreen tip="正在加载…" />;
  if (periods.isError) return <main><ProblemAlert error={periods.error} /></main>;
  const period = currentPeriod(periods.data.items);
  if (!period) return <main><Result status="info" title="尚无报送期" /></main>;
  return <Navigate to={`/office/overview/${DEFAULT_PLAN}/${period.id}`} replace />;
}
