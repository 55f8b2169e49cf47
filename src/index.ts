/**
 * Entry point for `pulumi preview` / `pulumi up`: the exported function is the program.
 */
import { main } from "./program";

export = main;
