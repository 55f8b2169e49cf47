/**
 * What the engine harness preloads into the plugin processes it starts (NODE_OPTIONS=--require,
 * test/engine/plugin.ts), for speed only:
 *
 * - the protobuf runtime's strings coded by Node (native-strings.js);
 * - the SDK's closure serializer and Automation API loaded only if used
 *   (src/boot/defer-closure.js, the project's own preload does the same). The plugin
 *   deserializes providers and serializes none (@pulumi/pulumi/cmd/dynamic-provider/index.js
 *   requires the provider's text with requireFromString), so TypeScript and arborist, about a
 *   quarter of a second of each plugin's start, were loaded for nothing: the engine tests took
 *   about 1.7 s less CPU without them (three runs each, side by side).
 *
 * Neither changes what the plugin does. The engine starts the SDK's plugin without them, and
 * so does test/engine/plugin.test.ts (`preload: false`).
 */
"use strict";
require("./native-strings");
const defer = require("../../src/boot/defer-closure");

// The plugin runs in the program's directory (the engine's cwd for it), whose SDK it loads.
defer.deferClosureModules(process.cwd());
defer.deferAutomation(process.cwd());

module.exports = { PLUGIN_PRELOAD: __filename };
