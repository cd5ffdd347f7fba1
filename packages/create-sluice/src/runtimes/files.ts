/** A generated project: relative path → file contents. */
export type Files = Record<string, string>;
