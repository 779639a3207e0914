import { useQuery } from '@tanstack/react-query';
import { ApiError, api, setCsrfToken } from './client';
import type { Me } from './types';

export const sessionKey = ['session'] as const;

/** The signed-in person (GET /v1/auth/session), or null when nobody is signed in (401). */
export async function fetchSession(): Promise<Me | null> {
  try {
    const { data } = await api.GET('/v1/auth/session');
    setCsrfToken(data?.csrfToken ?? null);
    return data ?? null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 60_000 });
}

/** The session that RequireSession guarantees to its children. */
export function useMe(): Me {
  const { data } = useSession();
  if (!data) throw new Error('useMe outside RequireSession');
  return data;
}

export const isOffice = (me: Me) => me.role === 'office' || me.role === 'admin';
