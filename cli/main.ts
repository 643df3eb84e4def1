#!/usr/bin/env node
// The sshtrace executable (package.json "bin"): run the command line, then exit with its code.
import { runCli } from './run-cli';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
