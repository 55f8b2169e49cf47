/**
 * Access to the stack's secrets as Pulumi secret Outputs. Components ask for a secret by
 * name; the value never exists outside an Output marked secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { configKey } from "../config/stack";

export interface Secrets {
  /** The secret `homelab:<name>`, always a secret Output. Throws for a name the site does not declare. */
  get(name: string): pulumi.Output<string>;
}

/** Secrets read from the Pulumi runtime (real runs, and the offline plan's placeholders). */
export function runtimeSecrets(declared: readonly string[]): Secrets {
  return {
    get(name: string): pulumi.Output<string> {
      if (!declared.includes(name)) {
        throw new Error(
          `internal error: secret ${configKey(name)} is used but not declared in requiredSecrets()`,
        );
      }
      const value = pulumi.runtime.getConfig(configKey(name));
      return pulumi.secret(value ?? "");
    },
  };
}
