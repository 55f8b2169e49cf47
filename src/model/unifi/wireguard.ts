/** WireGuard keys: the public key the clients need, from the server's private key. */
import { createPrivateKey, createPublicKey } from "node:crypto";

/** DER prefix of a PKCS#8 X25519 private key (the 32 key bytes follow). */
const X25519_PKCS8_PREFIX = "302e020100300506032b656e04220420";

/** The public key of a WireGuard private key (base64), or undefined if it is not one. */
export function wireguardPublicKey(privateKey: string): string | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(privateKey)) return undefined;
  const raw = Buffer.from(privateKey, "base64");
  if (raw.length !== 32) return undefined;
  const der = Buffer.concat([Buffer.from(X25519_PKCS8_PREFIX, "hex"), raw]);
  const key = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" }));
  const spki = key.export({ format: "der", type: "spki" });
  return spki.subarray(spki.length - 32).toString("base64");
}
