// The pack's entry point (package.json `main`; the language host runs
// @pulumi/pulumi/cmd/run-policy-pack on this directory): the project's TypeScript require
// hook, then the pack.
"use strict";
require("../src/boot/register.js");
require("./pack.ts");
