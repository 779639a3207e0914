import type { components } from './schema';

type Schemas = components['schemas'];
export type Me = Schemas['Me'];
export type Role = Me['role'];
export type Account = Schemas['Account'];
export type Overview = Schemas['PeriodOverview'];
export type OverviewUnit = Schemas['OverviewUnit'];
