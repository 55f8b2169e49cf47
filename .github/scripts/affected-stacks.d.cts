/** Types of affected-stacks.cjs, for the tests. */
export function affectedStacks(input: {
  changedFiles: string[];
  stacks: string[];
  federationStacks: string[];
}): { stacks: string[]; reasons: Record<string, string> };
export function listStacks(root: string): string[];
export function isFederationMember(root: string, stack: string): boolean;
