/**
 * The project's preload (`node --require ./src/boot/register.js ...`): package.json's
 * scripts, the test runner and Pulumi.yaml's `nodeargs` start every process with it. It
 * installs the `.ts` require hook (typescript.js) and defers the Pulumi SDK's closure
 * serializer until something serializes (defer-closure.js).
 */
"use strict";
const { join } = require("node:path");

require("./typescript").register();
require("./defer-closure").deferClosureModules(join(__dirname, "..", ".."));
