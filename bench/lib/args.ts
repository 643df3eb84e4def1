// Tiny flag parsing for the benchmarks (no yargs: each takes a few numbers).

export function argString(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

export function argNumber(argv: readonly string[], name: string, fallback: number): number {
  const text = argString(argv, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} takes a number, not ${text}`);
  return value;
}

export function heading(text: string): void {
  console.log(`\n## ${text}`);
}
