// Command modules type their handler's arguments by what their builder declares (no cast, one source of truth):
//   const builder = (yargs: Argv) => yargs.option(...);
//   export const fooCommand: CommandModule<object, ArgsOf<typeof builder>> = { ..., builder, handler };
import type { Argv } from 'yargs';

/** The parsed arguments a builder declares. */
export type ArgsOf<B> = B extends (yargs: Argv) => Argv<infer T> ? T : never;
