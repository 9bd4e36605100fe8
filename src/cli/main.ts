import "../polyfill.js";
import { printError } from "./output.js";
import { createProgram } from "./program.js";

createProgram()
  .parseAsync(process.argv)
  .catch((err) => printError(err));
