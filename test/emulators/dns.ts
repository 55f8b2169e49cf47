/**
 * A small authoritative DNS server over UDP for verify's tests (RFC 1035 messages): A
 * queries of the names it holds are answered, any other name is NXDOMAIN, another type of a
 * known name is an empty NOERROR answer. Node's resolver (c-ares) is pointed at it with
 * `setServers(["127.0.0.1:<port>"])`.
 */
import { createSocket, type Socket } from "node:dgram";

export class DnsEmulator {
  /** name (lower case, no trailing dot) → IPv4 addresses. Mutable. */
  records = new Map<string, string[]>();
  private socket?: Socket;

  /** Starts on a random port of 127.0.0.1; resolves with "127.0.0.1:<port>". */
  async start(): Promise<string> {
    const socket = createSocket("udp4");
    this.socket = socket;
    socket.on("message", (message, peer) => {
      const answer = this.answer(message);
      if (answer) socket.send(answer, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return `127.0.0.1:${socket.address().port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
  }

  private answer(query: Buffer): Buffer | undefined {
    if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
    const labels: string[] = [];
    let at = 12;
    while (at < query.length && query[at] !== 0) {
      const length = query[at] ?? 0;
      labels.push(query.subarray(at + 1, at + 1 + length).toString("ascii"));
      at += length + 1;
    }
    const end = at + 5; // the root label, QTYPE, QCLASS
    if (end > query.length) return undefined;
    const type = query.readUInt16BE(at + 1);
    const name = labels.join(".").toLowerCase();
    const addresses = this.records.get(name);
    const answers = addresses && type === 1 ? addresses : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0); // id
    header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | (addresses ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const records = answers.map((address) => {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0); // the question's name
      record.writeUInt16BE(1, 2); // A
      record.writeUInt16BE(1, 4); // IN
      record.writeUInt32BE(60, 6);
      record.writeUInt16BE(4, 10);
      address.split(".").forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
      return record;
    });
    return Buffer.concat([header, query.subarray(12, end), ...records]);
  }
}
