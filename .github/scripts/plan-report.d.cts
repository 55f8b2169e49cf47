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
export const EXPAND_MAX_ADDED: number;
export function addedCount(baseJson: string, headJson: string): number;
export function expandArgs(baseJson: string, headJson: string): string[];
export function registryOf(stackFileText: string): string | undefined;
export function federationSection(entry: {
  file: string;
  base: boolean;
  head: boolean;
  diff?: NpmResult;
}): string;
export function report(args: {
  baseRef?: string;
  headRef?: string;
  sections: string[];
  federation?: string[];
}): string;
export function nodeCommand(dir: string, script: string): string[] | undefined;
