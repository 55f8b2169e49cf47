/** Types of unchanged.cjs. */
export function treeFiles(root: string, keep?: (name: string) => boolean): string[];
export function fingerprint(
  root: string,
  files: readonly string[],
  settings?: Record<string, unknown>,
): string;
export function passedWith(stateFile: string, print: string): boolean;
export function record(stateFile: string, print: string | undefined): void;
