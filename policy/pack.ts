/** The policy pack: `pulumi preview --policy-pack policy` (README, Guard rails). */
import { PolicyPack } from "@pulumi/policy";
import { packPolicies } from "./policies";

new PolicyPack("homelab-guard-rails", {
  description:
    "The homelab's guard rails over each stack's resources; the rules over a change (deletes, replaces, restarts, DNS churn) run in npm run plan-diff, which sees the step a pack cannot.",
  enforcementLevel: "mandatory",
  policies: packPolicies(),
});
