/**
 * One thing wrong with the input, located by the path of the offending field
 * (for example `clusters[1].podCidrs[0]`).
 */
export interface Problem {
  /** Path of the offending field, in the notation of the props the user wrote. */
  readonly path: string;
  /** What is wrong, naming the bad value. */
  readonly message: string;
}

/**
 * Raised before anything is created when the input has one or more problems.
 * Lists every problem at once, so a user fixes them in one pass.
 */
export class TopologyError extends Error {
  /** Every problem found, in the order the fields appear. */
  public readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(
      `crosscluster: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the input:\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'TopologyError';
    this.problems = problems;
  }
}

/** Throws a {@link TopologyError} when `problems` is not empty. */
export function throwIfProblems(problems: readonly Problem[]): void {
  if (problems.length > 0) {
    throw new TopologyError(problems);
  }
}

/** Formats a value for an error message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
