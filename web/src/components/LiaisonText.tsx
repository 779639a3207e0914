import { Tag } from 'antd';
import type { OverviewUnit } from '../api/types';

/** A unit's 处级联络员 and 工作人员 with their phones (tap to call), for the 催报 lists. */
export function LiaisonText({ unit }: { unit: Pick<OverviewUnit, 'liaisons'> }) {
  return unit.liaisons ? (
    <>
      <div>处级联络员:{unit.liaisons.officer.name}({unit.liaisons.officer.position}){' '}<a href={`tel:${unit.liaisons.officer.phone}`}>{unit.liaisons.officer.phone}</a></div>
      <div>工作人员:{unit.liaisons.staff.name}{' '}<a href={`tel:${unit.liaisons.staff.phone}`}>{unit.liaisons.staff.phone}</a></div>
    </>
  ) : (
    <Tag color="orange">未登记联络员</Tag>
  );
}
