import { m } from '$lib/i18n/messages.ts';

export type NavIconName = 'overview' | 'records' | 'personal' | 'sharing' | 'access-log' | 'people' | 'settings';

export interface NavItem {
  readonly path: '/' | '/records' | '/personal' | '/sharing' | '/access-log' | '/people' | '/settings';
  readonly icon: NavIconName;
  readonly label: () => string;
}

/** The app's sections, in the order people meet them. The navigation and the e2e tests read this list. */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: '/', icon: 'overview', label: () => m.nav_overview() },
  { path: '/records', icon: 'records', label: () => m.nav_records() },
  { path: '/personal', icon: 'personal', label: () => m.nav_personal() },
  { path: '/sharing', icon: 'sharing', label: () => m.nav_sharing() },
  { path: '/access-log', icon: 'access-log', label: () => m.nav_access_log() },
  { path: '/people', icon: 'people', label: () => m.nav_people() },
  { path: '/settings', icon: 'settings', label: () => m.nav_settings() },
];

/** Whether `pathname` is inside the section at `path` (a record's page belongs to Records). */
export function isCurrentSection(path: NavItem['path'], pathname: string): boolean {
  return path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`);
}
