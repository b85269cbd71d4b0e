import { format, type MessageParams } from '$lib/i18n/messages.ts';
import { getLocale, type Locale } from '$lib/i18n/runtime.ts';

// The viewer's words, in the three languages of messages/*.json. They live here while the catalogues are being
// rewritten by the screens work; moving them into messages/*.json later changes only this module's import.
const EN = {
  attachment_show: 'Show',
  attachment_decrypting: 'Decrypting {name}',
  attachment_download: 'Download the original',
  attachment_page: 'Page {page} of {pages}',
  attachment_more_pages: 'Show the next pages',
  attachment_page_failed: 'This page could not be shown.',
  attachment_text_cut: 'Only the beginning of this file is shown. Download the original to read all of it.',
  attachment_not_shown: 'This file cannot be shown here. Download the original to open it.',
  attachment_protected:
    'This PDF is protected by a password and cannot be shown here. Download the original to open it.',
  attachment_failed: 'This file could not be opened.',
  attachment_pages: 'Pages of {name}',
  attachment_zoom_group: 'Size of the pages',
  attachment_zoom_in: 'Zoom in',
  attachment_zoom_out: 'Zoom out',
};
type ViewerMessages = typeof EN;

const CATALOGUES: Record<Locale, ViewerMessages> = {
  en: EN,
  fr: {
    attachment_show: 'Afficher',
    attachment_decrypting: 'Déchiffrement de {name}',
    attachment_download: 'Télécharger l’original',
    attachment_page: 'Page {page} sur {pages}',
    attachment_more_pages: 'Afficher les pages suivantes',
    attachment_page_failed: 'Cette page n’a pas pu être affichée.',
    attachment_text_cut: 'Seul le début de ce fichier est affiché. Téléchargez l’original pour le lire en entier.',
    attachment_not_shown: 'Ce fichier ne peut pas être affiché ici. Téléchargez l’original pour l’ouvrir.',
    attachment_protected:
      'Ce PDF est protégé par un mot de passe et ne peut pas être affiché ici. Téléchargez l’original pour l’ouvrir.',
    attachment_failed: 'Ce fichier n’a pas pu être ouvert.',
    attachment_pages: 'Pages de {name}',
    attachment_zoom_group: 'Taille des pages',
    attachment_zoom_in: 'Agrandir',
    attachment_zoom_out: 'Réduire',
  },
  de: {
    attachment_show: 'Anzeigen',
    attachment_decrypting: '{name} wird entschlüsselt',
    attachment_download: 'Original herunterladen',
    attachment_page: 'Seite {page} von {pages}',
    attachment_more_pages: 'Nächste Seiten anzeigen',
    attachment_page_failed: 'Diese Seite konnte nicht angezeigt werden.',
    attachment_text_cut:
      'Nur der Anfang dieser Datei wird angezeigt. Laden Sie das Original herunter, um alles zu lesen.',
    attachment_not_shown:
      'Diese Datei kann hier nicht angezeigt werden. Laden Sie das Original herunter, um sie zu öffnen.',
    attachment_protected:
      'Dieses PDF ist durch ein Passwort geschützt und kann hier nicht angezeigt werden. Laden Sie das Original herunter, um es zu öffnen.',
    attachment_failed: 'Diese Datei konnte nicht geöffnet werden.',
    attachment_pages: 'Seiten von {name}',
    attachment_zoom_group: 'Größe der Seiten',
    attachment_zoom_in: 'Vergrößern',
    attachment_zoom_out: 'Verkleinern',
  },
};

/** `vm.key(params)` in the current language, like `m` for the shared catalogues. */
export const vm = Object.fromEntries(
  (Object.keys(EN) as (keyof ViewerMessages)[]).map((key) => [
    key,
    (params?: MessageParams) => format(CATALOGUES[getLocale()][key], params),
  ]),
) as Record<keyof ViewerMessages, (params?: MessageParams) => string>;
