import type { CSSProperties, ReactNode } from 'react';

/**
 * The page's one <h1>. Plain elements here rather than antd's Typography, which brings ~60 KB
 * of gzipped JavaScript (copy, edit, ellipsis) into the first load of every page.
 */
export function PageTitle({ children, style }: { children: ReactNode; style?: CSSProperties }) {
  return <h1 style={{ fontSize: 22, fontWeight: 600, lineHeight: 1.35, margin: '0 0 16px', ...style }}>{children}</h1>;
}

/** Secondary text (#595959 on white passes WCAG AA). */
export function Muted({ children, style }: { children: ReactNode; style?: CSSProperties }) {
  return <span style={{ color: '#595959', ...style }}>{children}</span>;
}
