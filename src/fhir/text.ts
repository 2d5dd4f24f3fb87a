/** Echoed client text is cut short so a diagnostics string can never balloon. */
export function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
