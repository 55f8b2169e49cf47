/**
 * Small text helpers for messages and reports.
 *
 * Runs inside the serialized dynamic providers (their messages count attempts and
 * neighbours): functions only.
 */

/** "1 warning", "2 warnings"; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
