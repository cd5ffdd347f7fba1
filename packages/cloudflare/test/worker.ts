// The test Worker: exactly what a user's entry module looks like.
import { createWorker } from "../src/index.js";

export { SluiceKeys, SluiceRateLimiter, SluiceSessions, SluiceUsage } from "../src/index.js";
export default createWorker();
