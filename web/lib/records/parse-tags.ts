/**
 * Tags typed as one line, separated by commas: trimmed, empty ones dropped, each once (case kept).
 *
 * @example parseTags('diabetes, check-up, , diabetes') // ['diabetes', 'check-up']
 */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag !== ''),
    ),
  ];
}
