/** The size of our dynamic providers as Pulumi stores them in every resource's state. */
import * as pulumi from "@pulumi/pulumi";
import type { Figure } from "./types";

/** The serialized text of `provider` (`__provider`), in bytes. */
export async function serializedSize(name: string, provider: object): Promise<Figure> {
  const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return { name, value: Buffer.byteLength(text), unit: "bytes" };
}
