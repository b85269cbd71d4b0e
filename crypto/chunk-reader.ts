// Attachments stream both ways with no whole-file buffer (PROTOCOL.md §9): the producer (File.stream(), a
// network response, IndexedDB rows) hands us chunks of any size, and the stream cipher needs exact pieces.
// ChunkReader cuts them without concatenating the file and without copying when one input chunk already
// holds the whole piece, which is the common case and keeps the wrapper close to raw libsodium speed.
import { CryptoError } from './crypto-error.ts';

/** Where attachment bytes come from: an async or sync iterable of chunks, or a web ReadableStream. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

const EMPTY = new Uint8Array(0);

/** Exact-size reads over a {@link ByteSource}; call {@link ChunkReader.close} when done, also on error. */
export class ChunkReader {
  readonly #next: () => Promise<IteratorResult<Uint8Array, unknown>>;
  readonly #close: () => Promise<void>;
  #current: Uint8Array = EMPTY;
  #offset = 0;
  #done = false;
  // One assembly buffer reused across reads: callers hand the bytes to libsodium (which copies them into its
  // own memory) before the next read, so a fresh allocation per piece would only feed the garbage collector.
  #scratch: Uint8Array = EMPTY;

  constructor(source: ByteSource) {
    if (isReadableStream(source)) {
      const reader = source.getReader();
      this.#next = () => reader.read();
      this.#close = async () => {
        // Stops the producer (and releases the file) when we end early on an error.
        await reader.cancel().catch(() => undefined);
        reader.releaseLock();
      };
    } else {
      const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
      this.#next = async () => iterator.next();
      this.#close = async () => {
        await iterator.return?.();
      };
    }
  }

  /**
   * Exactly `length` bytes, or fewer only when the source ends first. The result may be a view into the
   * source's chunk or into a reused buffer: it is valid until the next call.
   */
  async read(length: number): Promise<Uint8Array> {
    if (!(await this.#fill())) return EMPTY;
    const available = this.#current.length - this.#offset;
    if (available >= length) {
      const view = this.#current.subarray(this.#offset, this.#offset + length);
      this.#offset += length;
      return view;
    }
    if (this.#scratch.length < length) this.#scratch = new Uint8Array(length);
    let filled = 0;
    while (filled < length && (await this.#fill())) {
      const take = Math.min(length - filled, this.#current.length - this.#offset);
      this.#scratch.set(this.#current.subarray(this.#offset, this.#offset + take), filled);
      this.#offset += take;
      filled += take;
    }
    return this.#scratch.subarray(0, filled);
  }

  /** True when the source holds no more bytes (empty chunks are skipped). */
  async atEnd(): Promise<boolean> {
    return !(await this.#fill());
  }

  /** Release the source; idempotent. Wipes the assembly buffer, which held plaintext when encrypting. */
  async close(): Promise<void> {
    this.#scratch.fill(0);
    this.#current = EMPTY;
    if (this.#done) return;
    this.#done = true;
    await this.#close();
  }

  /** Make sure at least one unread byte is in `#current`; false at the end of the source. */
  async #fill(): Promise<boolean> {
    while (this.#offset >= this.#current.length) {
      if (this.#done) return false;
      const result = await this.#next();
      if (result.done === true) {
        this.#done = true;
        this.#current = EMPTY;
        this.#offset = 0;
        return false;
      }
      if (!(result.value instanceof Uint8Array)) {
        throw new CryptoError('bad_argument', 'attachment sources must yield Uint8Array chunks');
      }
      this.#current = result.value;
      this.#offset = 0;
    }
    return true;
  }
}

function isReadableStream(source: ByteSource): source is ReadableStream<Uint8Array> {
  return typeof (source as Partial<ReadableStream<Uint8Array>>).getReader === 'function';
}

/**
 * A pull-based ReadableStream over an async iterable (the encryptor's or decryptor's output), so a consumer can
 * `pipeTo` a file or an upload with backpressure. Cancelling the stream stops the generator.
 */
export function toReadableStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const result = await iterator.next();
        if (result.done === true) controller.close();
        else controller.enqueue(result.value);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
