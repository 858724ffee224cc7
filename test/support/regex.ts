/**
 * One regular expression from several literals, so a long expected message can be written over several lines of at
 * most 120 characters and still be matched whole. The flags are the union of the parts' flags.
 */
export function joinedRegExp(...parts: RegExp[]): RegExp {
  const flags = [...new Set(parts.flatMap((p) => [...p.flags]))].join("");
  return new RegExp(parts.map((p) => p.source).join(""), flags);
}
