#!/usr/bin/env node
// The CLI runs the compiled code; `npm install` builds it (the `prepare` script).
import "../dist/src/cli/main.js";
