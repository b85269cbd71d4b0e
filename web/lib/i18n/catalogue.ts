import type en from './messages/en.ts';

/** The reference catalogue (English) with, through its `as const`, each message's exact text. */
type Reference = typeof en;

/** Every message key. */
export type MessageKey = keyof Reference;

/** The keys of messages that are one text (not plural forms). */
export type TextKey = { [K in MessageKey]: Reference[K] extends string ? K : never }[MessageKey];

/** The plural categories of Intl.PluralRules: "one", "few", "many", "other"… */
export type PluralCategory = Intl.LDMLPluralRule;

/**
 * A message that depends on a number: one text per plural category the language uses (French "many" for
 * a million, German only "one" and "other"), `other` for every category without a text of its own.
 */
export type Plural = { readonly other: string } & { readonly [C in Exclude<PluralCategory, 'other'>]?: string };

export type Message = string | Plural;

/** What fr.ts and de.ts are: every English key, each a text, or plural forms where English has them. */
export type Catalogue = { readonly [K in MessageKey]: Reference[K] extends string ? string : Plural };

/** The `{name}` placeholders of a text, as a union of names. */
type Placeholders<T> = T extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** A plural's texts, all of them (placeholders may differ: "One character is missing" has no `{count}`). */
type Texts<M> = M extends string ? M : M[keyof M];

/**
 * A message's parameters: its placeholders, plus a `count: number` that picks a plural's form.
 *
 * @example
 * MessageParams<'Page {page} of {pages}'> // { page: string | number; pages: string | number }
 */
export type MessageParams<M> = (M extends string ? unknown : { readonly count: number }) & {
  readonly [P in Exclude<Placeholders<Texts<M>>, M extends string ? never : 'count'>]: string | number;
};

/** `m.key()` for a message without parameters, `m.key({ … })` with exactly the ones its text names. */
export type MessageFunction<M> = [keyof MessageParams<M>] extends [never]
  ? () => string
  : (params: MessageParams<M>) => string;

export type Messages = { readonly [K in MessageKey]: MessageFunction<Reference[K]> };
