/**
 * The same real redis-server and Upstash REST bridge the @sluice/upstash tests start (and its `inject("upstash")`
 * type), so the two packages' tests share one copy of the set-up.
 */
export { default } from "../../upstash/test/global-setup.js";
