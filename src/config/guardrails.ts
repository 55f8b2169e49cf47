/**
 * `homelab:guardrails`: the blast-radius limits of one change (src/policies) and the stack's
 * opt-ins for a change that goes past them. The opt-ins are meant for one change: list the
 * resources by name, apply, then remove them (plan-diff reports an opt-in nothing uses).
 */
import { z } from "zod";
import { doc, strict } from "./primitives";

const resourceName = z
  .string()
  .min(1, { error: "must be a resource name, e.g. home-dns-photos.example.net" })
  .regex(/^[^\s:]+$/, {
    error:
      "must be a resource name as the plan prints it (no spaces, no type), e.g. home-dns-photos.example.net",
  });

const names = (description: string) =>
  doc(
    z.array(resourceName).refine((list) => new Set(list).size === list.length, {
      error: "lists a resource twice: name each resource once",
    }),
    description,
    [["home-fortigate-p1-fgn-camille"]],
  ).default([]);

export const guardrailsSchema = doc(
  strict({
    maxDnsChanges: doc(
      z
        .number()
        .int({ error: "must be a whole number, e.g. 5" })
        .min(0, { error: "must be 0 or more, e.g. 5" })
        .max(1000, { error: "must be at most 1000, e.g. 5" }),
      "Most DNS records (Cloudflare) one change may add, change or remove.",
      [5],
    ).default(5),
    allow: doc(
      strict({
        replace: names(
          "Resources this change may replace although they hold data or carry the site (guests, volumes, DNS records, storages, generated secrets, UniFi networks, the BGP object, federation tunnels, the API interface).",
        ),
        delete: names("Resources of the same kinds this change may delete."),
        maintenance: doc(
          z.boolean(),
          "A declared maintenance window: the guests and containers serving the site's DNS and the reverse proxy may restart or be replaced.",
        ).default(false),
        dnsChanges: doc(
          z.boolean(),
          "This change may touch more DNS records than maxDnsChanges.",
        ).default(false),
      }),
      "Opt-ins for one change; remove them once it is applied.",
      [{ replace: ["home-fortigate-p1-fgn-camille"], maintenance: true }],
    ).default({ replace: [], delete: [], maintenance: false, dnsChanges: false }),
  }),
  "Guard rails: what one change may touch without an explicit opt-in (README, Guard rails).",
);

export type GuardrailsConfig = z.infer<typeof guardrailsSchema>;

/** The section's value when a stack does not declare it. */
export const DEFAULT_GUARDRAILS: GuardrailsConfig = guardrailsSchema.parse({});
