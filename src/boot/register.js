/**
 * The project's preload (`node --require ./src/boot/register.js ...`): package.json's
 * scripts, the test runner and Pulumi.yaml's `nodeargs` start every process with it. It
 * keeps V8's compiled code of every module on disk (code-cache.js), installs the `.ts`
 * require hook (typescript.js) and defers the Pulumi SDK's closure serializer until
 * something serializes and the Automation API until something uses it (defer-closure.js).
 */
"use strict";
const { join } = require("node:path");

const root = join(__dirname, "..", "..");
require("./code-cache").enableCodeCache(root);
require("./typescript").register();
const defer = require("./defer-closure");
defer.deferClosureModules(root);
defer.deferAutomation(root);
