/** @type {import("next").NextConfig} */
export default {
  // `tsc` checks the app (`pnpm typecheck`); the build need not do it again.
  typescript: { ignoreBuildErrors: true },
};
