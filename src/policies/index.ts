/**
 * Guard rails (README, "Guard rails"): pure policies over a stack's resources and over a
 * change, shared by the policy pack (policy/) and the offline tools (`npm run plan`,
 * `npm run plan-diff`). Imports nothing of the Pulumi SDK.
 */
export { POLICIES, POLICY_LIST, type PolicyInfo } from "./catalog";
export { changeViolations, replacedResources } from "./change";
export { criticalServices, edgeRole, guardedKind } from "./kinds";
export { stackViolations } from "./state";
export type { GuardChange, GuardChangeSet, GuardResource, Level, Violation } from "./types";
