/** Types for `s3-server.mjs`. */
export declare const S3RVER_CREDENTIALS: { accessKeyId: string; secretAccessKey: string };
export declare function startS3rver(
  bucket?: string,
): Promise<{ endpoint: string; bucket: string; close(): Promise<void> }>;
