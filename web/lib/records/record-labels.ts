import type { Category, Level, ObservationFlag } from '#vault';
import { m } from '$lib/i18n/messages.ts';

/** Each category's name in the current language (Records, filters, the form). */
export const CATEGORY_LABELS: Record<Category, () => string> = {
  'lab-result': () => m.category_lab_result(),
  'medical-report': () => m.category_medical_report(),
  'imaging-result': () => m.category_imaging_result(),
  'patient-summary': () => m.category_patient_summary(),
  'hospital-report': () => m.category_hospital_report(),
  prescription: () => m.category_prescription(),
  vaccination: () => m.category_vaccination(),
  'personal-space': () => m.category_personal_space(),
  other: () => m.category_other(),
};

/** Each confidentiality level's name: words about sharing, never one a lab flag uses ("Normal"). */
export const LEVEL_LABELS: Record<Level, () => string> = {
  normal: () => m.level_normal(),
  restricted: () => m.level_restricted(),
  secret: () => m.level_secret(),
};

/** Who can see a record of each level, in one plain sentence (product.md, "Confidentiality levels"). */
export const LEVEL_EXPLANATIONS: Record<Level, () => string> = {
  normal: () => m.level_normal_explained(),
  restricted: () => m.level_restricted_explained(),
  secret: () => m.level_secret_explained(),
};

/** A lab value's flag, as a word (never as a colour alone). */
export const FLAG_LABELS: Record<ObservationFlag, () => string> = {
  low: () => m.flag_low(),
  high: () => m.flag_high(),
  normal: () => m.flag_normal(),
  abnormal: () => m.flag_abnormal(),
};
