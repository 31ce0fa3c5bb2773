/** Small pure helpers for "did you mean" hints in validation messages. */

/**
 * Edit distance, case-insensitive, where swapping two neighbouring letters counts as one edit
 * (optimal string alignment): typos like "prot" for "port" are one edit away.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[s.length][t.length];
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo: at most a third
 * of the longer word's length in edits (minimum 1), a case-only difference, or the start of exactly
 * one candidate.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  // An abbreviation ("prod" for "production") names one candidate by its start.
  const prefixed = candidates.filter(
    (c) => input.length >= 3 && c.toLowerCase().startsWith(input.toLowerCase()),
  );
  if (prefixed.length === 1 && bestDistance > 0) return prefixed[0];
  const budget = Math.max(1, Math.floor(Math.max(input.length, best.length) / 3));
  return bestDistance <= budget ? best : undefined;
}

/** Renders a value for an error message: JSON, shortened to keep messages on one line. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
