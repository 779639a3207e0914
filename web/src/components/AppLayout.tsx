import { MenuOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Drawer, Grid, Layout, Menu, Space, type MenuProps } from 'antd';
import { useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { api, setCsrfToken } from '../api/client';
import type { Me } from '../api/types';
import { useMe } from '../api/session';
import { DEFAULT_PLAN } from '../i18n/zh';
import { useLeadsRows } from './useAssignments';
import { useCurrentPeriod, useCurrentTargetsYear } from './usePeriods';

const APP_NAME = '危化品综合治理工作跟踪';

function menuItems(me: Me, period: string | undefined, targetsYear: string | undefined, leads: boolean): NonNullable<MenuProps['items']> {
  if (me.role === 'department') {
    const code = me.department?.code ?? '';
    return [
      { key: '/tasks', label: '本单位任务' },
      ...(period ? [{ key: `/reports/${DEFAULT_PLAN}/${period}/${code}`, label: '季度报送' }] : []),
      ...(targetsYear ? [{ key: `/targets/${DEFAULT_PLAN}/${targetsYear}/${code}`, label: '年度目标' }] : []),
      ...(period && leads ? [{ key: `/lead/${DEFAULT_PLAN}/${period}/${code}`, label: '牵头汇总' }] : []),
      { key: `/dossier/${DEFAULT_PLAN}`, label: '台账下载' },
      { key: '/deadlines', label: '报送期限' },
      { key: `/liaisons/${code}`, label: '联络员登记' },
      { key: '/notifications', label: '消息通知' },
    ];
  }
  return [
    ...(period ? [{ key: `/office/overview/${DEFAULT_PLAN}/${period}`, label: '总览' }] : []),
    ...(period ? [{ key: `/office/review/${DEFAULT_PLAN}/${period}`, label: '审核' }] : []),
    ...(targetsYear ? [{ key: `/office/targets/${DEFAULT_PLAN}/${targetsYear}`, label: '年度目标' }] : []),
    { key: `/office/progress/${DEFAULT_PLAN}`, label: '工作进展' },
    ...(period ? [{ key: `/office/charts/${DEFAULT_PLAN}/${period}`, label: '图表' }] : []),
    { key: `/office/assessment/${DEFAULT_PLAN}`, label: '年度考核' },
    { key: '/office/reminders', label: '催报提醒' },
    { key: '/office/roster', label: '联络员名册' },
    { key: `/dossier/${DEFAULT_PLAN}`, label: '台账下载' },
    { key: `/office/deadlines/${DEFAULT_PLAN}`, label: '报送期限' },
    { key: '/office/audit', label: '操作记录' },
    ...(me.role === 'admin' ? [{ key: '/office/accounts', label: '账号管理' }] : []),
  ];
}

/** Pages with a period in the path: the menu's entry (current period) stays selected on any other period. */
const PERIOD_PAGES = ['/office/overview/', '/office/review/', '/office/charts/', '/office/targets/', '/targets/', '/lead/'];
const samePage = (key: string, pathname: string) => PERIOD_PAGES.some((prefix) => key.startsWith(prefix) && pathname.startsWith(prefix));

/** The frame of every signed-in page: side menu on desktop, top bar + drawer under 768 px. */
export function AppLayout() {
  const me = useMe();
  const screens = Grid.useBreakpoint();
  const desktop = screens.md ?? true;
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const period = useCurrentPeriod(DEFAULT_PLAN);
  const targetsYear = useCurrentTargetsYear(DEFAULT_PLAN);
  const leads = useLeadsRows(me.role === 'department' ? (me.department?.code ?? '') : '');
  const items = menuItems(me, period, targetsYear, leads);
  const selected = items
    .map((item) => String(item?.key))
    .filter((key) => location.pathname === key || location.pathname.startsWith(`${key}/`) || samePage(key, location.pathname));

  const signOut = async () => {
    try {
      await api.DELETE('/v1/auth/session', { params: { header: { 'X-CSRF-Token': me.csrfToken } } });
    } finally {
      setCsrfToken(null);
      queryClient.clear();
      navigate('/sign-in', { replace: true });
    }
  };

  const menu = (
    <nav aria-label="主菜单">
      <Menu
        mode="inline"
        theme={desktop ? 'dark' : 'light'}
        selectedKeys={selected}
        items={items}
        onClick={({ key }) => {
          setOpen(false);
          navigate(key);
        }}
      />
    </nav>
  );
  const who = me.role === 'department' ? (me.department?.name ?? '') : me.role === 'admin' ? '管理员' : '市安委会办公室';

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {desktop && (
        <Layout.Sider width={208} style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
          <div style={{ color: '#fff', padding: '16px 20px', fontWeight: 600 }}>{APP_NAME}</div>
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center', gap: 12, borderBottom: '1px solid #f0f0f0' }}>
          {!desktop && <Button icon={<MenuOutlined />} onClick={() => setOpen(true)} aria-label="打开菜单" />}
          {!desktop && <strong>{APP_NAME}</strong>}
          <Space style={{ marginInlineStart: 'auto' }} size="small">
            {desktop && <span>{who}{me.name ? ` · ${me.name}` : ''}</span>}
            <Button onClick={signOut}>退出登录</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: desktop ? 24 : 12 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
      {!desktop && (
        <Drawer open={open} onClose={() => setOpen(false)} placement="left" size={260} title={who}>
          {menu}
        </Drawer>
      )}
    </Layout>
  );
}
