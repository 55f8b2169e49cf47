// Stands in for `ssh <host> docker system dial-stdio` in verify's tests: the engine API's
// bytes between this process's stdin/stdout and the emulated engine's port (argv[2]).
"use strict";
const net = require("node:net");
const socket = net.connect(Number(process.argv[2]), "127.0.0.1");
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on("close", () => process.exit(0));
socket.on("error", (error) => {
  process.stderr.write(`dial-stdio: ${error.message}\n`);
  process.exit(1);
});
