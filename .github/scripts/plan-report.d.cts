/** Types of plan-report.cjs, for the tests. */
export interface NpmResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}
export const MARKER: string;
export function emptyPlan(stack: string, project: string): string;
export function section(entry: {
  stack: string;
  base?: NpmResult;
  head?: NpmResult;
  diff?: NpmResult;
}): string;
export function report(args: { baseRef?: string; headRef?: string; sections: string[] }): string;
