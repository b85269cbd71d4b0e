/** The lowest zxcvbn score (0–4) a passphrase must reach to protect a health record. */
export const MIN_PASSPHRASE_SCORE = 3;
/** The vault refuses shorter passphrases whatever their score (vault/create-vault-access.ts). */
export const MIN_PASSPHRASE_LENGTH = 10;

/** Why a passphrase is easy to guess, in groups the UI words plainly (messages `strength_warning_*`). */
export type PassphraseWarning = 'common' | 'pattern' | 'repeat' | 'date' | 'name' | 'personal' | 'example';

/**
 * The example each language's hint shows (messages `create_passphrase_hint`; tests/web/rate-passphrase.test.ts
 * checks they match). zxcvbn rates them "very strong", yet anyone reading the hint can try them first.
 */
export const EXAMPLE_PASSPHRASES = {
  en: 'lamp river orange tuesday',
  fr: 'lampe rivière orange mardi',
  de: 'Lampe Fluss Orange Dienstag',
} as const;

/** The words of a passphrase, folded so case, accents, separators and order do not matter. */
function wordSet(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  return [...new Set(words)].sort().join(' ');
}

const EXAMPLES = new Set(Object.values(EXAMPLE_PASSPHRASES).map(wordSet));

export interface PassphraseRating {
  /** 0 (guessed at once) to 4 (very hard to guess). */
  readonly score: 0 | 1 | 2 | 3 | 4;
  readonly warning: PassphraseWarning | null;
}

const WARNINGS: Record<string, PassphraseWarning> = {
  topTen: 'common',
  topHundred: 'common',
  common: 'common',
  similarToCommon: 'common',
  pwned: 'common',
  straightRow: 'pattern',
  keyPattern: 'pattern',
  sequences: 'pattern',
  simpleRepeat: 'repeat',
  extendedRepeat: 'repeat',
  recentYears: 'date',
  dates: 'date',
  wordByItself: 'name',
  namesByThemselves: 'name',
  commonNames: 'name',
  userInputs: 'personal',
};

type Checker = (passphrase: string, userInputs: string[]) => PassphraseRating;
let checker: Promise<Checker> | undefined;

/** zxcvbn and its dictionaries (about 1 MB) load on first use, not with the app. */
function loadChecker(): Promise<Checker> {
  checker ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(([core, common]) => {
    const zxcvbn = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary },
      graphs: common.adjacencyGraphs,
    });
    return (passphrase, userInputs) => {
      const result = zxcvbn.check(passphrase, userInputs);
      const warning = result.feedback.warning;
      return { score: result.score, warning: warning === null ? null : (WARNINGS[warning] ?? null) };
    };
  });
  return checker;
}

/**
 * How hard a passphrase is to guess. `userInputs` are words the person's own context makes guessable (the app
 * name, say), which zxcvbn then counts as known.
 *
 * @example
 * (await ratePassphrase('correct horse battery staple')).score; // 4
 */
export async function ratePassphrase(passphrase: string, userInputs: string[] = []): Promise<PassphraseRating> {
  if (passphrase === '') return { score: 0, warning: null };
  // The example's words, in any order, case or spelling of accents and separators, are the first guess.
  if (EXAMPLES.has(wordSet(passphrase))) return { score: 0, warning: 'example' };
  const check = await loadChecker();
  return check(passphrase, userInputs);
}
