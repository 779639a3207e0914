import { Select } from 'antd';
import { periodText } from '../i18n/zh';
import { usePeriods } from './usePeriods';

/** The plan's periods; picking one calls onChange (pages navigate to the period's URL). */
export function PeriodSelect({ plan, value, onChange, id = 'period-select' }: { plan: string; value: string; onChange: (period: string) => void; id?: string }) {
  const periods = usePeriods(plan);
  return (
    <Select
      id={id}
      aria-label="报送期"
      value={value}
      onChange={onChange}
      loading={periods.isPending}
      style={{ minWidth: 180 }}
      options={(periods.data?.items ?? []).map((period) => ({ value: period.id, label: periodText(period.id) }))}
    />
  );
}
