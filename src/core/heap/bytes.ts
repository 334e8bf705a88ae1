/** Bytes the snapshot readers look for, and how much of the file they read at a time. */
export const QUOTE = 34;
export const BACKSLASH = 92;
export const OPEN = 91;
export const CLOSE = 93;
export const COMMA = 44;
export const NEWLINE = 10;
export const READ_CHUNK_BYTES = 4 << 20;
