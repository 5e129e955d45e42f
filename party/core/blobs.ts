/**
 * Where the bytes of files (attachments, recorded messages) live, fit for
 * each runtime: an R2 bucket on the Worker (the `MEDIA` binding in
 * `wrangler.jsonc`; `wrangler dev` runs it locally), else the room's own
 * storage, whose values are at most 128 KiB each.
 *
 * A file is kept as numbered parts of {@link BlobStore.partBytes} bytes (the
 * last one shorter), written as an upload brings them and read back in
 * order, so a range of a file is a range of parts. Keys are the room's own:
 * R2 keys are prefixed with the room's name, one bucket serving every room.
 * @module
 */
import type { Storage } from "./runtime.ts";

export interface BlobStore {
  /** What backs it, for logs and docs. */
  readonly kind: "r2" | "storage";
  /** Bytes in each part but the last. */
  readonly partBytes: number;
  /** Store part `index` (from 0) of file `key`, replacing one stored before. */
  putPart(key: string, index: number, bytes: Uint8Array): Promise<void>;
  /** Part `index` of file `key`, or undefined when it is not stored. */
  getPart(key: string, index: number): Promise<Uint8Array | undefined>;
  /** Delete parts `0 … parts-1` of file `key` (those not stored are skipped). */
  delete(key: string, parts: number): Promise<void>;
}

/** The part of an R2 bucket binding used here (https://developers.cloudflare.com/r2/api/workers/workers-api-reference/). */
export interface R2BucketLike {
  put(key: string, value: ArrayBuffer | Uint8Array): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  delete(keys: string | string[]): Promise<void>;
}

/** Whether `value` looks like an R2 bucket binding. */
export function isR2Bucket(value: unknown): value is R2BucketLike {
  const v = value as Partial<R2BucketLike> | null;
  return typeof v === "object" && v !== null && typeof v.put === "function" && typeof v.get === "function" && typeof v.delete === "function" && typeof (v as { head?: unknown }).head === "function";
}

const partKey = (key: string, index: number) => `${key}:${String(index).padStart(6, "0")}`;
const range = (parts: number) => Array.from({ length: parts }, (_, i) => i);

/** Files in an R2 bucket, under `<room>/`. */
export class R2Blobs implements BlobStore {
  readonly kind = "r2";
  /** 1 MiB parts: few requests per file, and any part fits a Worker's memory easily. */
  readonly partBytes = 1024 * 1024;

  constructor(
    private readonly bucket: R2BucketLike,
    private readonly room: () => string,
  ) {}

  private key(key: string, index: number): string {
    return `${encodeURIComponent(this.room())}/${partKey(key, index)}`;
  }

  async putPart(key: string, index: number, bytes: Uint8Array): Promise<void> {
    await this.bucket.put(this.key(key, index), bytes);
  }

  async getPart(key: string, index: number): Promise<Uint8Array | undefined> {
    const object = await this.bucket.get(this.key(key, index));
    return object ? new Uint8Array(await object.arrayBuffer()) : undefined;
  }

  async delete(key: string, parts: number): Promise<void> {
    // R2 deletes up to 1,000 keys a call.
    const keys = range(parts).map((i) => this.key(key, i));
    for (let i = 0; i < keys.length; i += 1000) await this.bucket.delete(keys.slice(i, i + 1000));
  }
}

/** Files in the room's own storage (`blob:<key>:<index>`), for `partykit dev` and any runtime without R2. */
export class StorageBlobs implements BlobStore {
  readonly kind = "storage";
  /** Under the 128 KiB a stored value may take, with room for its encoding. */
  readonly partBytes = 120 * 1024;

  constructor(private readonly storage: Storage) {}

  async putPart(key: string, index: number, bytes: Uint8Array): Promise<void> {
    // A copy of exactly these bytes: a view into a larger buffer would be stored whole.
    await this.storage.put(`blob:${partKey(key, index)}`, bytes.slice());
  }

  async getPart(key: string, index: number): Promise<Uint8Array | undefined> {
    const value = await this.storage.get<Uint8Array | ArrayBuffer>(`blob:${partKey(key, index)}`);
    if (value === undefined) return undefined;
    return value instanceof Uint8Array ? value : new Uint8Array(value);
  }

  async delete(key: string, parts: number): Promise<void> {
    const keys = range(parts).map((i) => `blob:${partKey(key, i)}`);
    for (let i = 0; i < keys.length; i += 128) await this.storage.delete(keys.slice(i, i + 128));
  }
}
