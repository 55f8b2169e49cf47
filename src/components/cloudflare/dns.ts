/**
 * `CloudflareDns` (`homelab:cloudflare:Dns`): the public records of the site's public
 * services (a comment marks each as managed by homelab) and the zone's TLS settings, through
 * an explicit Cloudflare provider authenticated with the `cloudflareApiToken` secret. Records
 * are kept when a service goes away (`retainOnDelete`) and are never deleted before their
 * replacement exists (no `deleteBeforeReplace`).
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { CloudflareConfig } from "../../config/cloudflare";
import type { DnsRecordPlan } from "../../model/services";
import type { Secrets } from "../secrets";

export interface CloudflareDnsArgs {
  /**
   * The `homelab:cloudflare` section.
   * @example { zone: "example.org", proxiedDefault: true, sslMode: "strict", alwaysUseHttps: true, minTlsVersion: "1.2", origin: { ipv4: "198.51.100.77" } }
   */
  readonly config: CloudflareConfig;
  /**
   * Records to manage (`model.services.publicRecords`).
   * @default []
   * @example [{ name: "photos.example.org", type: "A", content: "198.51.100.77", proxied: true, service: "immich", comment: "managed by homelab" }]
   */
  readonly records?: readonly DnsRecordPlan[];
  /** The stack's secrets (`cloudflareApiToken`). */
  readonly secrets: Secrets;
}

/** Zone settings the site enforces: SSL mode, always HTTPS, minimum TLS version. */
export function zoneSettings(config: CloudflareConfig): { id: string; value: string }[] {
  return [
    { id: "ssl", value: config.sslMode },
    { id: "always_use_https", value: config.alwaysUseHttps ? "on" : "off" },
    { id: "min_tls_version", value: config.minTlsVersion },
  ];
}

export class CloudflareDns extends pulumi.ComponentResource {
  readonly zoneId: pulumi.Output<string>;
  readonly records: Record<string, cloudflare.DnsRecord> = {};

  constructor(name: string, args: CloudflareDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:cloudflare:Dns", name, {}, opts);
    const provider = new cloudflare.Provider(
      `${name}-provider`,
      { apiToken: args.secrets.get("cloudflareApiToken") },
      { parent: this },
    );
    this.zoneId = args.config.zoneId
      ? pulumi.output(args.config.zoneId)
      : cloudflare
          .getZoneOutput({ filter: { name: args.config.zone } }, { parent: this, provider })
          .apply((zone) => zone.id);
    for (const setting of zoneSettings(args.config)) {
      new cloudflare.ZoneSetting(
        `${name}-setting-${setting.id}`,
        { zoneId: this.zoneId, settingId: setting.id, value: setting.value },
        { parent: this, provider, retainOnDelete: true },
      );
    }
    for (const record of args.records ?? []) {
      this.records[record.name] = new cloudflare.DnsRecord(
        `${name}-${record.name}`,
        {
          zoneId: this.zoneId,
          name: record.name,
          type: record.type,
          content: record.content,
          proxied: record.proxied,
          ttl: 1,
          comment: record.comment,
        },
        { parent: this, provider, retainOnDelete: true },
      );
    }
    this.registerOutputs({ zoneId: this.zoneId, records: this.records });
  }
}
