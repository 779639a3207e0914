import { Select } from 'antd';
import { periodText } from '../i18n/zh';
import { usePeriods } from './usePeriods';

/** The plan's periods (`progressOnly`: without the years' targets); picking one calls onChange (pages navigate to the period's URL). */
export function PeriodSelect({ plan, value, onChange, id = 'period-select', progressOnly = false }: { plan: string; value: string; onChange: (period: string) => void; id?: string; progressOnly?: boolean }) {
  const periods = usePeriods(plan);
  return (
    <Select
      id={id}
      aria-label="报送期"
      value={value}
      onChange={onChange}
      loading={periods.isPending}
      style={{ minWidth: 180 }}
      options={(periods.data?.items ?? []).filter((period) => !progressOnly || period.kind !== 'targets').map((period) => ({ value: period.id, label: periodText(period.id) }))}
    />
  );
}
