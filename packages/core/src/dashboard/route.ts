/** The admin routes' door to the dashboard: a path test here, the page's code loaded only when asked for. */
import { responseForThrown } from "../respond.js";
import type { DashboardDeps } from "./index.js";

const PATH = "/_sluice/dashboard";

export const isDashboardPath = (path: string) => path === PATH || path.startsWith(`${PATH}/`);

/** Answers a dashboard path; errors come back as JSON, like the rest of the admin API. */
export async function dashboardRoute(
  request: Request,
  path: string,
  url: URL,
  deps: DashboardDeps,
): Promise<Response> {
  try {
    const { dashboard } = await import("./index.js");
    return await dashboard(request, path, url, deps);
  } catch (error) {
    return responseForThrown(undefined, error);
  }
}
