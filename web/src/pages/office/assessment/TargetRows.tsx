import { Tag } from 'antd';
import type { components } from '../../../api/schema';
import { figuresText } from '../../../components/targetText';

type Line = components['schemas']['AssessmentLine'];

/** Each row of a unit's accepted targets beside its year-end result, met or not (the API decides). */
export function TargetRows({ line, titles }: { line: Line; titles?: Map<number, string> | undefined }) {
  return (
    <ul aria-label={`${line.name}各项任务的年度目标与年底结果`} style={{ margin: 0, paddingInlineStart: 20 }}>
      {line.targetRows.map((row) => (
        <li key={`${row.measureNo}-${row.taskSeq}`} data-target-row={`${row.measureNo}-${row.taskSeq}`} style={{ marginBottom: 8 }}>
          <div>
            <strong>
              措施{row.measureNo}-{row.taskSeq}
              {titles?.get(row.measureNo) ? `:${titles.get(row.measureNo)}` : ''}
            </strong>{' '}
            {row.met ? <Tag color="success">达标</Tag> : <Tag color="error">未达标</Tag>}
          </div>
          <div>目标:{figuresText(row.target)}</div>
          <div>结果:{row.result ? figuresText(row.result) : '本年度无计入的报告'}</div>
        </li>
      ))}
    </ul>
  );
}
