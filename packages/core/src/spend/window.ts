/** Budget windows are calendar periods in UTC: a day ("2026-11-21") or a month ("2026-11"). */
export interface BudgetWindow {
  /** "YYYY-MM-DD" or "YYYY-MM". */
  id: string;
  /** Milliseconds since the epoch when the next window starts. */
  endsAt: number;
  /** Length of the window, used as the bucket's TTL (a window's bucket is never needed after it ends). */
  seconds: number;
}

export function budgetWindow(window: "day" | "month", now: number): BudgetWindow {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (window === "day") {
    const start = Date.UTC(year, month, date.getUTCDate());
    return { id: dayOf(now), endsAt: start + 86_400_000, seconds: 86_400 };
  }
  const start = Date.UTC(year, month, 1);
  const endsAt = Date.UTC(year, month + 1, 1);
  return {
    id: `${year}-${String(month + 1).padStart(2, "0")}`,
    endsAt,
    seconds: (endsAt - start) / 1000,
  };
}

/** The UTC day of a timestamp, "YYYY-MM-DD". */
export const dayOf = (time: number): string => new Date(time).toISOString().slice(0, 10);
