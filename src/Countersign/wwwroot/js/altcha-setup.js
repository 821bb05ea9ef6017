// The ALTCHA widget solves its challenge in a web worker. The worker is a file of our own origin
// (copied from the npm package by the build), so the Content-Security-Policy needs no blob: URLs.
globalThis.$altcha.algorithms.set("SHA-256", () => new Worker("/lib/altcha/sha.js"));
