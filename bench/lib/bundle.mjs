// Minified + gzipped sizes: @sluice/core alone, and each example's built worker where one exists.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

async function bundle(entry, external = []) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
    external,
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.byteLength, gzip: gzipSync(code).byteLength };
}

export async function bundleSizes(root) {
  const sizes = [{ name: "@sluice/core", ...(await bundle(join(root, "packages/core/dist/index.js"))) }];
  for (const example of readdirSync(join(root, "examples"))) {
    const built = join(root, "examples", example, "dist-bench");
    if (!existsSync(built)) continue;
    for (const file of readdirSync(built).filter((f) => f.endsWith(".js"))) {
      const code = readFileSync(join(built, file));
      sizes.push({
        name: `examples/${example} (${file})`,
        raw: code.byteLength,
        gzip: gzipSync(code).byteLength,
      });
    }
  }
  return sizes;
}
