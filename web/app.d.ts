import type { AppErrorCode } from '$lib/errors';

// Kit's ambient types for this app: an error that reaches +error.svelte carries our code.
declare global {
  namespace App {
    interface Error {
      message: string;
      code?: AppErrorCode;
    }
  }
}

export {};
