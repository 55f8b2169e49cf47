/**
 * Turns the catalog's values (plain text, stack secrets, generated passwords, concatenations)
 * into Pulumi inputs. Anything built from a secret is a secret Output.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as random from "@pulumi/random";
import { isSecretRef, isSecretValue, type SecretRef, type Value } from "../../catalog/types";
import type { Secrets } from "../secrets";

export type ValueResolver = (value: Value) => pulumi.Input<string>;

/** A resolver over the stack's secrets and the generated passwords (by id). */
export function valueResolver(
  secrets: Secrets,
  generated: ReadonlyMap<string, random.RandomPassword>,
): ValueResolver {
  const ref = (value: SecretRef): pulumi.Output<string> => {
    if ("secret" in value) return secrets.get(value.secret);
    const password = generated.get(value.generated);
    if (!password) {
      throw new Error(`internal error: generated secret "${value.generated}" is not in the model`);
    }
    return pulumi.secret(value.form === "bcrypt" ? password.bcryptHash : password.result);
  };
  return (value) => {
    if (typeof value === "string") return value;
    if (isSecretRef(value)) return ref(value);
    const parts = value.map((p) => (typeof p === "string" ? p : ref(p)));
    const joined = pulumi.all(parts).apply((items) => items.join(""));
    return isSecretValue(value) ? pulumi.secret(joined) : joined;
  };
}
