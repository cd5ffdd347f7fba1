/** Object storage for long context (R2, S3-compatible stores, Vercel Blob). */
export interface StoredObject {
  body: ReadableStream<Uint8Array>;
  size: number;
  contentType?: string;
}

export interface ObjectStore {
  get(key: string): Promise<StoredObject | null>;
  put(key: string, value: Uint8Array | string, options?: { contentType?: string }): Promise<void>;
  delete?(key: string): Promise<void>;
  /** Optional capability: a short-lived URL a client can PUT the object to directly. */
  presignUpload?(key: string, expiresInSeconds: number): Promise<string>;
}
