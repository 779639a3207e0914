import { Button, Card, Col, Row, Space } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { PageTitle } from '../../../components/PageTitle';
import { PeriodSelect } from '../../../components/PeriodSelect';
import { usePageTitle } from '../../../components/usePeriods';
import { periodText } from '../../../i18n/zh';

/** The API's charts (src/modules/documents/charts.ts): the period's three, then the campaign's two trends. */
const PERIOD_CHARTS = [
  { id: 'progress-by-category', caption: '各类别任务平均进度' },
  { id: 'status-distribution', caption: '任务推进状态分布' },
  { id: 'timeliness', caption: '应报送单位报送情况' },
] as const;
const TREND_CHARTS = [
  { id: 'progress-trend', caption: '各期任务平均进度' },
  { id: 'submission-trend', caption: '各期应报送单位报送情况' },
] as const;

/** The chart's served size (CHART_SIZE in the API): the <img> keeps its ratio and the page does not jump. */
const WIDTH = 640;
const HEIGHT = 360;

/** The image draws its own title (the API's SVG), so the card adds only the download. */
function Chart({ src, png, title, alt }: { src: string; png: string; title: string; alt: string }) {
  return (
    <Card size="small" styles={{ body: { padding: 8 } }}>
      <figure style={{ margin: 0 }}>
        {/* The image alone in a tab, where a phone can zoom into it. */}
        <a href={src} target="_blank" rel="noopener">
          <img src={src} alt={alt} width={WIDTH} height={HEIGHT} loading="lazy" style={{ display: 'block', width: '100%', height: 'auto' }} />
        </a>
        <figcaption style={{ display: 'flex', justifyContent: 'flex-end', paddingTop: 4 }}>
          <Button size="small" href={png} download aria-label={`下载PNG:${title}`}>
            下载PNG
          </Button>
        </figcaption>
      </figure>
    </Card>
  );
}

const sectionTitle = { fontSize: 16, fontWeight: 600, margin: '0 0 12px' };

/**
 * 图表: the charts the summary report prints, served by the API as images (SVG to show, PNG to
 * paste into other documents), so the web app carries no charting library.
 */
export default function ChartsPage() {
  const { plan = '', period = '' } = useParams();
  usePageTitle(`图表 ${periodText(period)}`);
  const navigate = useNavigate();
  const base = `/v1/plans/${plan}/charts`;
  const query = `?period=${encodeURIComponent(period)}`;

  return (
    <>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <PageTitle style={{ margin: 0 }}>图表 · {periodText(period)}</PageTitle>
        <PeriodSelect plan={plan} value={period} progressOnly onChange={(next) => navigate(`/office/charts/${plan}/${next}`)} />
      </Space>
      <h2 style={sectionTitle}>本期({periodText(period)})</h2>
      <Row gutter={[16, 16]} style={{ marginBottom: 24 }}>
        {PERIOD_CHARTS.map((chart) => (
          <Col key={chart.id} xs={24} xl={12}>
            <Chart
              title={`${periodText(period)}${chart.caption}`}
              alt={`统计图:${periodText(period)}${chart.caption}`}
              src={`${base}/${chart.id}.svg${query}`}
              png={`${base}/${chart.id}.png${query}`}
            />
          </Col>
        ))}
      </Row>
      <h2 style={sectionTitle}>全周期趋势</h2>
      <Row gutter={[16, 16]}>
        {TREND_CHARTS.map((chart) => (
          <Col key={chart.id} xs={24} xl={12}>
            <Chart title={`全周期${chart.caption}`} alt={`统计图:全周期${chart.caption}`} src={`${base}/${chart.id}.svg`} png={`${base}/${chart.id}.png`} />
          </Col>
        ))}
      </Row>
    </>
  );
}
