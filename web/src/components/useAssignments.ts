import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { DEFAULT_PLAN } from '../i18n/zh';

/** The 分工表 rows a unit carries in the default plan (one query, shared by the menu and 本单位任务). */
export function useAssignments(code: string) {
  return useQuery({
    queryKey: ['assignments', code],
    enabled: code !== '',
    queryFn: async () => (await api.GET('/v1/departments/{code}/assignments', { params: { path: { code }, query: { plan: DEFAULT_PLAN } } })).data!,
  });
}

/** Whether the unit is named 牵头部门 of a row itself (not through a collective): only then has it a 牵头汇总 to give. */
export function useLeadsRows(code: string): boolean {
  const assignments = useAssignments(code);
  return assignments.data?.items.some((item) => item.role === 'lead' && item.via === null) ?? false;
}
