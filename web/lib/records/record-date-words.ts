import type { Category } from '#vault';
import { m } from '$lib/i18n/messages.ts';

/** The words for a record's date and its title hint, in the current language. */
export interface RecordDateWords {
  label: () => string;
  error: () => string;
  titleHint: () => string;
}

const CARE: RecordDateWords = {
  label: () => m.record_date_label(),
  error: () => m.record_error_date(),
  titleHint: () => m.record_title_hint(),
};

// The personal space holds the patient's own notes (a symptom diary, a list of medicines): no care took place
// on that date, so its words are plain ones (ux.md principle 1).
const PERSONAL: RecordDateWords = {
  label: () => m.record_date_label_personal(),
  error: () => m.record_error_date_personal(),
  titleHint: () => m.record_title_hint_personal(),
};

/**
 * The date's label and error, and the title's hint, for a record of this category.
 *
 * @example
 * recordDateWords('personal-space').label(); // "Date"
 * recordDateWords('lab-result').label(); // "Date of care"
 */
export function recordDateWords(category: Category): RecordDateWords {
  return category === 'personal-space' ? PERSONAL : CARE;
}
