import { Card, Col, Row, Statistic } from 'antd';

export interface Stat {
  title: string;
  value: number;
  color?: string;
}

/** The row of figures at the top of the office's lists (总览, 年度目标): six to a line on a desktop, two on a phone. */
export function StatCards({ stats }: { stats: Stat[] }) {
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
      {stats.map((stat) => (
        <Col key={stat.title} xs={12} sm={8} lg={4}>
          <Card size="small">
            <Statistic title={stat.title} value={stat.value} styles={{ content: { color: stat.color } }} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
