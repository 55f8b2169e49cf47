/** Types of verify-issue.cjs, for the tests. */
import type { GitHubClient } from "./pr-comment.cjs";

export interface VerifyRow {
  check: string;
  target: string;
  status: string;
  detail: string;
}
export const LABEL: { name: string; color: string; description: string };
export function classifyVerify(
  exitCode: number,
  output: string,
): { outcome: "clean" | "failed" | "error"; rows: VerifyRow[] };
export function verifyIssueTitle(stack: string): string;
export function verifyIssueBody(args: {
  stack: string;
  rows: VerifyRow[];
  runUrl: string;
  date: string;
}): string;
export function syncVerifyIssue(args: {
  github: GitHubClient;
  owner: string;
  repo: string;
  stack: string;
  failed: boolean;
  rows: VerifyRow[];
  runUrl: string;
  date?: string;
}): Promise<"opened" | "updated" | "closed" | "none">;
