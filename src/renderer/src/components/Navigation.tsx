import { createContext, useContext } from 'react';
import type { LogFilterValues } from '../pages/logs/LogFilters';

export const PAGES = [
  'dashboard',
  'erp',
  'inventory',
  'imports',
  'logs',
  'keys',
  'webhooks',
  'settings',
] as const;
export type PageId = (typeof PAGES)[number];

/** Where a link inside a page leads: a page, and for Registros the filters to open it with. */
export interface NavigationTarget {
  page: PageId;
  logFilters?: Partial<LogFilterValues>;
}

const NavigationContext = createContext<(target: NavigationTarget) => void>(() => {});

export const NavigationProvider = NavigationContext.Provider;

/** Opens another page of the app (there is no router: the layout shows one page at a time). */
export function useNavigate(): (target: NavigationTarget) => void {
  return useContext(NavigationContext);
}
