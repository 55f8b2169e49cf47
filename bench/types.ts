/** A benchmark suite: measures something and returns figures. */
export interface Figure {
  /** What was measured, e.g. "plan home (wall)". */
  readonly name: string;
  readonly value: number;
  /** Unit of value: "ms", "requests", "writes", "ms/resource", ... */
  readonly unit: string;
  /** Extra facts (sizes, counts) shown next to the figure. */
  readonly detail?: Record<string, number | string>;
}

export interface BenchSuite {
  readonly name: string;
  run(): Promise<Figure[]>;
}

/** Median of repeated measurements. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of `fn` in milliseconds. */
export async function time(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median wall time of `runs` sequential runs of `fn`, in milliseconds. */
export async function measure(runs: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await time(fn));
  return median(times);
}
