// The headline figures of a run, kept machine-readable at the end of BENCHMARKS.md so a later run
// can show before/after.

/** Metric name → value (ratios, or medians in ms). */
export type Figures = Record<string, number>;

const MARKER = 'bench-figures';

export function figuresComment(figures: Figures): string {
  return `<!-- ${MARKER} ${JSON.stringify(figures)} -->`;
}

export function parseFigures(markdown: string): Figures | undefined {
  const m = new RegExp(`<!-- ${MARKER} (\\{.*\\}) -->`).exec(markdown);
  return m ? (JSON.parse(m[1]) as Figures) : undefined;
}
