// workerd targets: filled in once the Cloudflare example exists (standalone `workerd serve`).
export async function startWorkerdTargets() {
  throw new Error("the workerd benchmark is not wired up yet");
}
