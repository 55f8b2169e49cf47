/** Types of markdown.cjs, for the tests. */
export function fenceFor(text: string): string;
export function codeBlock(text: string, info?: string): string;
export function inlineCode(text: string): string;
export function openFence(text: string): { prefix: string; fence: string } | undefined;
