// The test Worker: exactly what a user's entry module looks like.
import { createWorker } from "../src/index.js";

export { SluiceRateLimiter, SluiceSessions } from "../src/index.js";
export default createWorker();
