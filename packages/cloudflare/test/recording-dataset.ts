// Analytics Engine has no local query API: this wrapper forwards every data point to the real (local) binding
// and keeps a copy, so tests read back exactly what was written and decode it with fromDataPoint.
export function recordingDataset(inner: AnalyticsEngineDataset) {
  const written: AnalyticsEngineDataPoint[] = [];
  return {
    written,
    writeDataPoint(point?: AnalyticsEngineDataPoint) {
      inner.writeDataPoint(point);
      written.push(structuredClone(point ?? {}));
    },
  };
}
