// sbatch's extra arguments as the user writes them in one string (`--slurm-args=…`, a search
// block's `slurm "…"`). No imports: the language's analysis checks them too.

/** Splits sbatch options given as one string: words, with '…' or "…" grouping (no other shell syntax). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur ??= '';
    } else if (/\s/.test(ch)) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else cur = (cur ?? '') + ch;
  }
  if (quote) throw new Error(`unbalanced quote in ${JSON.stringify(text)}`);
  if (cur !== undefined) out.push(cur);
  return out;
}
