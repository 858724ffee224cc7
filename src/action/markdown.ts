// Fitting Markdown into GitHub's size limits (65,536 characters for a comment or an issue, 1 MiB
// for a job summary) without breaking its rendering: the cut falls between lines, and a code
// fence or <details> block left open is closed before the note saying where the rest is.

interface Cut {
  end: number;
  /** The open fence's marker (``` or longer, or ~~~), if any. */
  fence?: string;
  details: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function closers(cut: Cut): string {
  return `${cut.fence ? `\n${cut.fence}` : ""}${"\n\n</details>".repeat(cut.details)}`;
}

export function truncateMarkdown(text: string, limit: number, note: string): string {
  if (text.length <= limit) return text;
  const cuts: Cut[] = [{ end: 0, details: 0 }];
  let fence: string | undefined;
  let details = 0;
  let end = 0;
  for (const line of text.split("\n")) {
    end += line.length + 1;
    if (end > limit) break;
    const marker = FENCE.exec(line)?.[1];
    if (fence === undefined && marker) fence = marker;
    else if (
      fence !== undefined &&
      marker &&
      marker[0] === fence[0] &&
      marker.length >= fence.length &&
      line.trim() === marker
    )
      fence = undefined;
    else if (fence === undefined)
      details += (line.match(/<details>/g)?.length ?? 0) - (line.match(/<\/details>/g)?.length ?? 0);
    cuts.push({ end, ...(fence ? { fence } : {}), details: Math.max(0, details) });
  }
  const tail = `\n\n${note}`;
  for (let i = cuts.length - 1; i >= 0; i -= 1) {
    const cut = cuts[i]!;
    const closing = closers(cut);
    if (cut.end + closing.length + tail.length <= limit) return `${text.slice(0, cut.end).trimEnd()}${closing}${tail}`;
  }
  return note.slice(0, limit);
}
