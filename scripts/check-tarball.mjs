// `node scripts/check-tarball.mjs PKG.tgz`: what publint does not check but a user trips on (issue 16):
// LICENSE and README in the tarball, links to the repository, and @sluice/core only ever as a peer
// (two copies of core in one app break instanceof checks).
import { execFileSync } from "node:child_process";

const tgz = process.argv[2];
const files = execFileSync("tar", ["-tzf", tgz], { encoding: "utf8" }).split("\n");
const pkg = JSON.parse(execFileSync("tar", ["-xzOf", tgz, "package/package.json"], { encoding: "utf8" }));
const problems = [];
for (const file of ["package/LICENSE", "package/README.md"]) {
  if (!files.includes(file))
    problems.push(`${file.slice(8)} is missing from the tarball (add it to "files")`);
}
for (const field of ["license", "repository", "homepage", "bugs", "keywords"]) {
  if (!pkg[field]) problems.push(`package.json has no "${field}"`);
}
if (pkg.repository && !pkg.repository.directory) problems.push(`"repository" needs a "directory"`);
if (pkg.name !== "@sluice/core") {
  for (const kind of ["dependencies", "optionalDependencies"]) {
    if (pkg[kind]?.["@sluice/core"]) problems.push(`@sluice/core is in ${kind}: make it a peerDependency`);
  }
}
const readme = execFileSync("tar", ["-xzOf", tgz, "package/README.md"], { encoding: "utf8" });
// Inline links and images `](x)`, reference definitions `[x]: y`, and HTML `href="x"` / `src="x"`.
const links = [
  ...readme.matchAll(/\]\(<?([^)#\s>]+)[^)]*\)/g),
  ...readme.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?([^\s#>]+)/gm),
  ...readme.matchAll(/\b(?:href|src)=["']([^"'#]+)["']/g),
].map((match) => match[1]);
for (const link of links) {
  // The registry page shows the README alone: relative links to files outside the tarball 404 there.
  if (!/^(https?:|mailto:)/.test(link))
    problems.push(`README link "${link}" is relative: use an absolute URL`);
}
if (problems.length > 0) {
  console.error(`${pkg.name}@${pkg.version}:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
