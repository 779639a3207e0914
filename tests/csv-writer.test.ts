import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralise, toCsv, type Sheet } from '../src/http/exports.js';

/*
 * The CSV writer every .csv download goes through (src/http/exports.ts): a UTF-8 byte-order mark,
 * a header row, formula triggers neutralised (OWASP CSV injection), instants in the plans' time
 * zone. The downloads themselves are in exports-security.test.ts; this is the writer alone.
 */

interface Row {
  unit: string;
  note: string | null;
  progress: number | undefined;
  at: Date | null;
}

const sheet = (rows: Row[]): Sheet<Row> => ({
  name: '汇总',
  columns: [
    { header: '单位', value: (row) => row.unit },
    { header: '备注', value: (row) => row.note },
    { header: '进度(%)', value: (row) => row.progress },
    { header: '报送时间', value: (row) => row.at },
  ],
  rows,
});

const rowsOf = (csv: Buffer) => parse(csv.toString('utf8'), { bom: true }) as string[][];

describe('neutralise', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\t1', '\r1', '  =1', '\u00a0=1', '\n+1'])('when a text cell is %j, prefixes it with an apostrophe', (value) => {
    expect(neutralise(value)).toBe(`'${value}`);
  });

  it.each(['市安全监管局', 'a=1', '1-2', 'x\t', '', ' ', 'abc@example.gov.cn'])('when a text cell is %j, leaves it alone', (value) => {
    expect(neutralise(value)).toBe(value);
  });

  it('leaves numbers, booleans, instants and empty cells as they are', () => {
    const at = new Date('2017-10-13T09:00:00Z');
    expect([neutralise(-5), neutralise(0), neutralise(true), neutralise(at), neutralise(null), neutralise(undefined)]).toEqual([-5, 0, true, at, null, undefined]);
  });
});

describe('toCsv', () => {
  const rows: Row[] = [
    { unit: '市安全监管局', note: '=HYPERLINK("http://evil.example","点击")', progress: 60, at: new Date('2017-10-12T08:00:00Z') },
    { unit: '金山区政府, 化工区', note: '第一行\n第二行 "引号"', progress: -1, at: null },
    { unit: '市交通委', note: null, progress: undefined, at: new Date('2017-10-13T16:30:00Z') },
  ];

  it('starts with a UTF-8 byte-order mark and the header row, then one record per row', () => {
    const csv = toCsv(sheet(rows));
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString('utf8').slice(1).split('\n')[0]).toBe('单位,备注,进度(%),报送时间');
    expect(rowsOf(csv)).toHaveLength(4);
  });

  it('neutralises text cells, keeps numbers as numbers, writes missing values as empty cells, and quotes commas, quotes and line breaks', () => {
    expect(rowsOf(toCsv(sheet(rows))).slice(1)).toEqual([
      ['市安全监管局', '\'=HYPERLINK("http://evil.example","点击")', '60', '2017-10-12T16:00:00+08:00'],
      ['金山区政府, 化工区', '第一行\n第二行 "引号"', '-1', ''],
      ['市交通委', '', '', '2017-10-14T00:30:00+08:00'],
    ]);
  });

  it('writes instants with the offset of the time zone it is given', () => {
    const [, first] = rowsOf(toCsv(sheet(rows.slice(0, 1)), 'UTC'));
    expect(first![3]).toBe('2017-10-12T08:00:00Z');
  });

  it('with no rows, is the header alone', () => {
    expect(toCsv(sheet([])).toString('utf8')).toBe('\uFEFF单位,备注,进度(%),报送时间\n');
  });
});
