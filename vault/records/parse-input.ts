import * as v from 'valibot';
import { VaultError } from './vault-error.ts';

/** Parses a caller's value with `schema`; any issue becomes `invalid_input` with the flattened issues as cause. */
export function parseInput<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) {
    throw new VaultError('invalid_input', `${what}: ${v.summarize(result.issues)}`, {
      cause: v.flatten(result.issues),
    });
  }
  return result.output;
}
