import { Result, Spin } from 'antd';
import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { createBrowserRouter, Link } from 'react-router';
import type { Role } from './api/types';
import { AppLayout } from './components/AppLayout';
import { RequireSession } from './components/RequireSession';

// One chunk per page (React.lazy): the first load carries only the frame and the page asked for.
const SignIn = lazy(() => import('./pages/sign-in/SignInPage'));
const Home = lazy(() => import('./pages/home/HomePage'));
const Tasks = lazy(() => import('./pages/department/tasks/TasksPage'));
const Report = lazy(() => import('./pages/department/report/ReportPage'));
const History = lazy(() => import('./pages/department/history/HistoryPage'));
const Deadlines = lazy(() => import('./pages/department/deadlines/DeadlinesPage'));
const Liaisons = lazy(() => import('./pages/department/liaisons/LiaisonsPage'));
const Notifications = lazy(() => import('./pages/department/notifications/NotificationsPage'));
const Lead = lazy(() => import('./pages/department/lead/LeadPage'));
const Dossier = lazy(() => import('./pages/dossier/DossierPage'));
const Overview = lazy(() => import('./pages/office/overview/OverviewPage'));
const Progress = lazy(() => import('./pages/office/progress/ProgressPage'));
const Charts = lazy(() => import('./pages/office/charts/ChartsPage'));
const Assessment = lazy(() => import('./pages/office/assessment/AssessmentPage'));
const Review = lazy(() => import('./pages/office/review/ReviewPage'));
const OfficeTargets = lazy(() => import('./pages/office/targets/OfficeTargetsPage'));
const Reminders = lazy(() => import('./pages/office/reminders/RemindersPage'));
const Roster = lazy(() => import('./pages/office/roster/RosterPage'));
const Audit = lazy(() => import('./pages/office/audit/AuditPage'));
const OfficeDeadlines = lazy(() => import('./pages/office/deadlines/OfficeDeadlinesPage'));
const Accounts = lazy(() => import('./pages/office/accounts/AccountsPage'));

const loading = <Spin style={{ display: 'block', margin: '48px auto' }} tip="正在加载…"><div /></Spin>;

function page(Page: LazyExoticComponent<ComponentType>, roles?: Role[]) {
  return (
    <RequireSession roles={roles}>
      <Suspense fallback={loading}>
        <Page />
      </Suspense>
    </RequireSession>
  );
}

const OFFICE: Role[] = ['office', 'admin'];
const ANYONE: Role[] = ['department', 'office', 'admin'];

/** The web routes; src/plugins/web.ts serves index.html for exactly these prefixes. */
export const router = createBrowserRouter([
  { path: '/sign-in', element: <Suspense fallback={loading}><SignIn /></Suspense> },
  { path: '/', element: page(Home) },
  {
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    children: [
      { path: '/tasks', element: page(Tasks, ['department']) },
      { path: '/reports/:plan/:period/:department', element: page(Report, ANYONE) },
      { path: '/reports/:plan/:period/:department/history', element: page(History, ANYONE) },
      // A year's targets: the report page with the targets' labels (README: Yearly targets).
      { path: '/targets/:plan/:year/:department', element: page(Report, ANYONE) },
      // 牵头汇总: a lead department's opinions on the rows it leads (the office may enter them on its behalf).
      { path: '/lead/:plan/:period/:department', element: page(Lead, ANYONE) },
      { path: '/dossier/:plan', element: page(Dossier, ANYONE) },
      { path: '/deadlines', element: page(Deadlines, ['department']) },
      { path: '/liaisons/:department', element: page(Liaisons, ANYONE) },
      { path: '/notifications', element: page(Notifications, ['department']) },
      { path: '/office/overview/:plan/:period', element: page(Overview, OFFICE) },
      { path: '/office/progress/:plan', element: page(Progress, OFFICE) },
      { path: '/office/charts/:plan/:period', element: page(Charts, OFFICE) },
      { path: '/office/assessment/:plan', element: page(Assessment, OFFICE) },
      { path: '/office/review/:plan/:period', element: page(Review, OFFICE) },
      { path: '/office/targets/:plan/:year', element: page(OfficeTargets, OFFICE) },
      { path: '/office/reminders', element: page(Reminders, OFFICE) },
      { path: '/office/roster', element: page(Roster, OFFICE) },
      { path: '/office/audit', element: page(Audit, OFFICE) },
      { path: '/office/deadlines/:plan', element: page(OfficeDeadlines, OFFICE) },
      { path: '/office/accounts', element: page(Accounts, ['admin']) },
      { path: '*', element: <Result status="404" title="页面不存在" extra={<Link to="/">返回首页</Link>} /> },
    ],
  },
]);
