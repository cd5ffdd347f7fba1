/** The part of `Deno.env` Sluice reads (structural, so Node's tsc can check this file too). */
export interface EnvLike {
  get(name: string): string | undefined;
}
