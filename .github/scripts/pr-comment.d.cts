/** Types of pr-comment.cjs, for the tests. */
/**
 * The part of actions/github-script's `github` client (Octokit) the CI scripts use; tests
 * pass a fake with the same shape.
 */
export interface Comment {
  id: number;
  body?: string;
  user?: { login: string; type: string } | null;
}
export interface Issue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  labels: (string | { name?: string })[];
  pull_request?: unknown;
}
export type Params = Record<string, unknown>;
export interface GitHubClient {
  paginate<T>(method: (params: Params) => Promise<{ data: T[] }>, params: Params): Promise<T[]>;
  rest: {
    issues: {
      listComments(params: Params): Promise<{ data: Comment[] }>;
      createComment(params: Params): Promise<unknown>;
      updateComment(params: Params): Promise<unknown>;
      listForRepo(params: Params): Promise<{ data: Issue[] }>;
      create(params: Params): Promise<unknown>;
      update(params: Params): Promise<unknown>;
      getLabel(params: Params): Promise<unknown>;
      createLabel(params: Params): Promise<unknown>;
    };
  };
}

export const MAX_BODY: number;
export function fit(text: string, max: number, rest: string): string;
export function upsertComment(args: {
  github: GitHubClient;
  owner: string;
  repo: string;
  issueNumber: number;
  marker: string;
  body: string;
  rest?: string;
}): Promise<"created" | "updated" | "unchanged">;
