/** Every screen of the shell, with its heading in each language (mirrors web/lib/nav/nav-items.ts). */
export const LOCALES = ['en', 'fr', 'de'] as const;
export type TestLocale = (typeof LOCALES)[number];

export interface AppRoute {
  path: string;
  heading: Record<TestLocale, string>;
  inNav: boolean;
}

export const APP_ROUTES: readonly AppRoute[] = [
  { path: '/', heading: { en: 'Overview', fr: 'Vue d’ensemble', de: 'Übersicht' }, inNav: true },
  { path: '/records', heading: { en: 'Records', fr: 'Documents', de: 'Dokumente' }, inNav: true },
  { path: '/sharing', heading: { en: 'Sharing', fr: 'Partage', de: 'Teilen' }, inNav: true },
  {
    path: '/access-log',
    heading: { en: 'Access log', fr: 'Journal des accès', de: 'Zugriffsprotokoll' },
    inNav: true,
  },
  {
    path: '/people',
    heading: { en: 'People & devices', fr: 'Personnes et appareils', de: 'Personen & Geräte' },
    inNav: true,
  },
  { path: '/settings', heading: { en: 'Settings', fr: 'Réglages', de: 'Einstellungen' }, inNav: true },
  { path: '/records/x', heading: { en: 'Record', fr: 'Document', de: 'Dokument' }, inNav: false },
  {
    path: '/no-such-page',
    heading: { en: 'Page not found', fr: 'Page introuvable', de: 'Seite nicht gefunden' },
    inNav: false,
  },
];

/** The language the app remembers (i18n.config.js `localStorageKey`). */
export const LANGUAGE_STORAGE_KEY = 'carnet-language';
