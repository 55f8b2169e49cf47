/**
 * The protobuf runtime's strings, encoded and decoded by Node instead of one character at a
 * time in JavaScript. The engine harness and the plugin process it starts both load it (the
 * plugin through its preload, plugin-preload.js): every request and answer carries a dynamic
 * provider's text (90-120 KB) one to three times, and the runtime's string codec was half
 * the plugin's time and a third of the harness's in the engine tests (issue 17).
 *
 * A protobuf string is its UTF-8 bytes, length-delimited: writeBytes of the same bytes
 * writes the same message, and the bytes of a field decode to the same text (the tests
 * compare both ways, test/engine/plugin.test.ts). Only badly formed UTF-8 would decode
 * differently, and the engine (Go) never sends it. The real engine does not load this: the
 * plugin the users run is the SDK's, untouched; plugin.test.ts runs it untouched too.
 */
"use strict";
const { BinaryReader, BinaryWriter } = require("google-protobuf");

const sdk = {
  writeString: Object.getOwnPropertyDescriptor(BinaryWriter.prototype, "writeString").value,
  readString: Object.getOwnPropertyDescriptor(BinaryReader.prototype, "readString").value,
};

/** @this {BinaryWriter} */
function writeString(field, value) {
  if (value !== null && value !== undefined) this.writeBytes(field, Buffer.from(value, "utf8"));
}

/** @this {BinaryReader} */
function readString() {
  const bytes = this.readBytes();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

function useNative() {
  BinaryWriter.prototype.writeString = writeString;
  BinaryReader.prototype.readString = readString;
}

/** Runs `code` with the protobuf runtime's own string codec. */
function withSdkStrings(code) {
  BinaryWriter.prototype.writeString = sdk.writeString;
  BinaryReader.prototype.readString = sdk.readString;
  try {
    return code();
  } finally {
    useNative();
  }
}

useNative();

module.exports = { withSdkStrings };
