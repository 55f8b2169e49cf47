/** Types of drift-issue.cjs, for the tests. */
import type { GitHubClient } from "./pr-comment.cjs";

export const LABEL: string;
export function classifyPreview(exitCode: number, output: string): "clean" | "drift" | "error";
export function issueTitle(stack: string): string;
export function issueBody(args: {
  stack: string;
  report: string;
  runUrl: string;
  date: string;
}): string;
export function syncDriftIssue(args: {
  github: GitHubClient;
  owner: string;
  repo: string;
  stack: string;
  drifted: boolean;
  report: string;
  runUrl: string;
  date?: string;
}): Promise<"opened" | "updated" | "closed" | "none">;
export function syncIssue(args: {
  github: GitHubClient;
  owner: string;
  repo: string;
  label: { name: string; color: string; description: string };
  title: string;
  body?: string;
  resolved: string;
}): Promise<"opened" | "updated" | "closed" | "none">;
