/**
 * How the program reaches an edge device, without credentials (those are stack secrets the
 * providers read): the shapes the FortiOS and UniFi providers take as `connection`. Pure
 * data: the model computes them once, with the CA files read when the site loads.
 */

/** How the device's HTTPS certificate is trusted. */
export interface DeviceTrust {
  /** PEM text of the CA that signed the device certificate (or of the certificate itself). */
  readonly ca?: string;
  /** SHA-256 fingerprint the device certificate must have ("AB:CD:…", optional "sha256:"). */
  readonly fingerprint?: string;
  /** Accept any certificate. Dangerous; never the default. */
  readonly insecureSkipVerify?: boolean;
}

/** A FortiGate's REST API. */
export interface FortigateEndpoint {
  readonly host: string;
  readonly port: number;
  /** VDOM every request targets. */
  readonly vdom: string;
  readonly tls: DeviceTrust;
}

/** A UniFi OS console's network application. */
export interface UnifiEndpoint {
  /** Console URL, "https://10.0.20.1". */
  readonly controller: string;
  /** Site short name ("default"). */
  readonly site: string;
  readonly auth: "apiKey" | "password";
  /** Local admin (auth: password). */
  readonly username?: string;
  readonly tls: DeviceTrust;
}
