// The vocabulary of `npm run bench -- vault`: French titles per category, 50 doctors at 18 organisations, note
// sentences, tags and lab analytes with their units and reference ranges (bench/vault-bench-data.ts draws from these).
import type { Category } from '#vault';

export const TITLES: Record<Category, readonly string[]> = {
  'lab-result': [
    'Bilan sanguin',
    'Bilan lipidique',
    'Numération formule sanguine',
    'Bilan thyroïdien',
    'Bilan hépatique',
    'Glycémie à jeun',
    'Bilan rénal',
    'Ferritine et fer sérique',
    'Bilan de coagulation',
    'Hémoglobine glyquée',
  ],
  'medical-report': [
    'Consultation de cardiologie',
    'Consultation de dermatologie',
    'Compte rendu de consultation',
    'Consultation ORL',
    'Consultation de gastro-entérologie',
    'Suivi de médecine générale',
    'Consultation de pneumologie',
    'Bilan orthopédique',
  ],
  'imaging-result': [
    'Échographie abdominale',
    'Radiographie thoracique',
    'IRM du genou',
    'Scanner cérébral',
    'Échographie thyroïdienne',
    'Mammographie',
    'Échocardiographie',
    'Radiographie du poignet',
  ],
  'patient-summary': ['Synthèse médicale', 'Volet de synthèse', 'Résumé des antécédents'],
  'hospital-report': [
    "Compte rendu d'hospitalisation",
    'Lettre de sortie',
    'Compte rendu opératoire',
    'Passage aux urgences',
  ],
  prescription: ['Ordonnance', 'Renouvellement de traitement', 'Ordonnance de kinésithérapie', 'Prescription de bilan'],
  vaccination: ['Vaccin grippe saisonnière', 'Rappel DTP', 'Vaccin hépatite B', 'Vaccin COVID-19', 'Rappel coqueluche'],
  'personal-space': ['Journal de tension', 'Notes personnelles', 'Suivi du poids', 'Questions pour le médecin'],
  other: ['Certificat médical', 'Attestation de soins', 'Facture', 'Courrier de la mutuelle'],
};
export const TITLE_SUFFIXES = ['', '', '', ' de contrôle', ' de suivi', ' annuel', ' – résultats', ' (copie)'];

const FIRST_NAMES = ['Marie', 'Jean', 'Sophie', 'Pierre', 'Claire', 'Luc', 'Anne', 'Paul', 'Julie', 'Marc'];
const LAST_NAMES = ['Dupont', 'Lefèvre', 'Moreau', 'Garnier', 'Rousseau', 'Bonnet', 'Faure', 'Mercier', 'Lambert'];
const ORGANISATIONS = [
  'CHU de Bordeaux',
  'Hôpital Pellegrin',
  'Clinique Saint-Augustin',
  'Laboratoire Biogroup',
  'Laboratoire Cerballiance',
  "Centre d'imagerie du Lac",
  'Cabinet médical des Chartrons',
  'Hôpital Haut-Lévêque',
  'Polyclinique Bordeaux Nord',
  'Centre de vaccination municipal',
  'Cabinet de radiologie Gambetta',
  'Maison de santé de Bègles',
  'Pharmacie du Marché',
  'Clinique Tivoli',
  'Institut Bergonié',
  'Laboratoire Synlab',
  'Cabinet de kinésithérapie',
  'Centre hospitalier de Libourne',
];
// 50 doctors, each at one organisation.
export const DOCTORS: readonly { author: string; organisation: string }[] = Array.from({ length: 50 }, (_, i) => ({
  author: `Dr ${FIRST_NAMES[i % FIRST_NAMES.length] ?? ''} ${LAST_NAMES[(i * 7) % LAST_NAMES.length] ?? ''}${i >= 45 ? '-Vidal' : ''}`,
  organisation: ORGANISATIONS[(i * 5) % ORGANISATIONS.length] ?? '',
}));

export const SENTENCES = [
  'Patient vu pour essoufflement à l’effort.',
  'Pas de fièvre depuis la dernière consultation.',
  'Auscultation cardiaque normale.',
  'Tension artérielle stable sous traitement.',
  'Douleurs lombaires intermittentes, surtout le matin.',
  'À revoir dans six mois avec un nouveau bilan.',
  'Résultats transmis au médecin traitant.',
  'Traitement bien toléré, pas d’effet indésirable signalé.',
  'Fatigue persistante, sommeil de mauvaise qualité.',
  'Examen réalisé à jeun.',
  'Antécédents familiaux de diabète.',
  'Contrôle demandé par le cardiologue.',
  'Allergie connue à la pénicilline.',
  'Reprise du sport conseillée progressivement.',
  'Léger essoufflement en montant les escaliers.',
  'Vaccination à jour selon le carnet.',
  'Prise de sang au laboratoire du quartier.',
  'Le patient signale des vertiges occasionnels.',
  'Poids stable, alimentation équilibrée.',
  'Arrêt du tabac depuis deux ans.',
  'Toux sèche persistante depuis trois semaines.',
  'Radiographie sans anomalie visible.',
  'Orientation vers un spécialiste si persistance.',
  'Kinésithérapie prescrite, dix séances.',
  'Bonne évolution clinique.',
  'Ordonnance renouvelée pour trois mois.',
  'Hospitalisation de courte durée, sortie sans complication.',
  'Questions à poser lors du prochain rendez-vous.',
  'Migraine fréquente en fin de journée.',
  'Surveillance de la fonction rénale recommandée.',
  'Pas de contre-indication au sport.',
  'Échographie de contrôle prévue.',
];

export const TAGS = [
  'suivi',
  'urgent',
  'chronique',
  'allergie',
  'sport',
  'famille',
  'dentaire',
  'ophtalmologie',
  'mutuelle',
];

export interface Analyte {
  name: string;
  unit: string;
  low: number;
  high: number;
  min: number;
  max: number;
  decimals: number;
}
export const ANALYTES: readonly Analyte[] = [
  { name: 'Hémoglobine', unit: 'g/dL', low: 12, high: 16, min: 9, max: 18, decimals: 1 },
  { name: 'Leucocytes', unit: 'G/L', low: 4, high: 10, min: 2, max: 14, decimals: 2 },
  { name: 'Plaquettes', unit: 'G/L', low: 150, high: 400, min: 90, max: 500, decimals: 0 },
  { name: 'Glycémie à jeun', unit: 'mmol/L', low: 3.9, high: 5.5, min: 3.2, max: 9, decimals: 2 },
  { name: 'Cholestérol total', unit: 'g/L', low: 1.5, high: 2, min: 1.2, max: 3.1, decimals: 2 },
  { name: 'Cholestérol LDL', unit: 'g/L', low: 0.5, high: 1.6, min: 0.4, max: 2.2, decimals: 2 },
  { name: 'Triglycérides', unit: 'g/L', low: 0.4, high: 1.5, min: 0.3, max: 3, decimals: 2 },
  { name: 'Créatinine', unit: 'µmol/L', low: 60, high: 110, min: 45, max: 160, decimals: 0 },
  { name: 'TSH', unit: 'mUI/L', low: 0.4, high: 4, min: 0.1, max: 8, decimals: 2 },
  { name: 'Ferritine', unit: 'µg/L', low: 30, high: 300, min: 8, max: 450, decimals: 0 },
  { name: 'ASAT', unit: 'UI/L', low: 5, high: 40, min: 8, max: 90, decimals: 0 },
  { name: 'ALAT', unit: 'UI/L', low: 5, high: 45, min: 8, max: 110, decimals: 0 },
  { name: 'Potassium', unit: 'mmol/L', low: 3.5, high: 5, min: 3, max: 5.8, decimals: 1 },
  { name: 'Sodium', unit: 'mmol/L', low: 136, high: 145, min: 130, max: 150, decimals: 0 },
  { name: 'HbA1c', unit: '%', low: 4, high: 6, min: 4.5, max: 9.5, decimals: 1 },
  { name: 'CRP', unit: 'mg/L', low: 0, high: 5, min: 0.5, max: 60, decimals: 1 },
  { name: 'Vitamine D', unit: 'ng/mL', low: 30, high: 100, min: 8, max: 70, decimals: 0 },
];
