/**
 * Characters a terminal acts on rather than shows: C0 controls but tab and newline (ESC starts ANSI
 * and OSC sequences, CR rewrites the line), DEL, the C1 controls (CSI and OSC as one character), and
 * the bidirectional overrides that reorder what is shown.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Shows each control character as its `\uXXXX` escape. Text from a target (its command line, its
 * script names) or a file (class names in a snapshot) goes through this before a terminal or a log
 * sees it, so it can neither set the window title nor repaint the screen. Inside JSON text, where
 * these can only stand in strings, the escape is the same character: the JSON stays valid and equal.
 */
export function escapeControlChars(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
