import { Button, Card, Descriptions, Empty, Grid } from 'antd';
import { Fragment, useState, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  title: string;
  render: (row: T) => ReactNode;
  width?: number;
}

const cell = { padding: '8px 12px', borderBottom: '1px solid #f0f0f0', textAlign: 'start' as const, verticalAlign: 'top' as const };

/**
 * A plain table on desktop; under 768 px the same columns as one card per row (390 px phones).
 * Plain elements rather than antd's Table keep ~60 KB of gzipped JavaScript out of the first
 * load; long lists show the first `pageSize` rows and a button for the rest. `detail` is shown
 * under a row across the table (or at the foot of its card) when it gives something: the page
 * decides which rows are expanded.
 */
export function ResponsiveTable<T>({ rows, columns, rowKey, empty = '暂无数据', cardTitle, caption, pageSize = 200, detail }: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  empty?: string;
  cardTitle?: (row: T) => ReactNode;
  caption?: string;
  pageSize?: number;
  detail?: (row: T) => ReactNode;
}) {
  const desktop = Grid.useBreakpoint().md ?? true;
  const [all, setAll] = useState(false);
  if (rows.length === 0) return <Empty description={empty} />;
  const shown = all ? rows : rows.slice(0, pageSize);
  const more = rows.length > shown.length && (
    <Button style={{ marginTop: 12 }} onClick={() => setAll(true)}>
      显示全部{rows.length}条
    </Button>
  );
  if (desktop) {
    return (
      <>
        {/* focusable, so keyboard users can scroll a table wider than the screen */}
        <div style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label={caption ?? '表格'}>
          <table style={{ width: '100%', borderCollapse: 'collapse', background: '#fff', fontSize: 14 }}>
            {caption && <caption style={{ textAlign: 'start', padding: '4px 0 8px', color: '#595959' }}>{caption}</caption>}
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column.key} scope="col" style={{ ...cell, background: '#fafafa', fontWeight: 600, width: column.width }}>
                    {column.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => {
                const more = detail?.(row);
                return (
                  <Fragment key={rowKey(row)}>
                    <tr>
                      {columns.map((column) => (
                        <td key={column.key} style={cell}>
                          {column.render(row)}
                        </td>
                      ))}
                    </tr>
                    {more && (
                      <tr>
                        <td colSpan={columns.length} style={{ ...cell, background: '#fafafa' }}>
                          {more}
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
        {more}
      </>
    );
  }
  return (
    <>
      {shown.map((row) => (
        <Card key={rowKey(row)} size="small" title={cardTitle?.(row)} style={{ marginBottom: 8 }}>
          <Descriptions column={1} size="small">
            {columns.map((column) => (
              <Descriptions.Item key={column.key} label={column.title}>
                {column.render(row)}
              </Descriptions.Item>
            ))}
          </Descriptions>
          {detail?.(row)}
        </Card>
      ))}
      {more}
    </>
  );
}
