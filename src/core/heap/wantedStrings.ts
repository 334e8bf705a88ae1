import { namedEdgeTypes, namedNodeTypes } from './snapshotMeta';
import type { SnapshotMeta } from './rawSnapshot';

/**
 * The strings something is named by (classes, functions, properties, variables, scripts): the
 * only ones the string table decodes. Marked as the node and edge records are stored, so no
 * extra pass over the arrays is needed; grows as names arrive (the table's size comes last).
 */
export class WantedStrings {
  private marks = new Uint8Array(1 << 12);
  private max = -1;
  readonly nodeWants: Uint8Array;
  readonly edgeWants: Uint8Array;

  constructor(
    meta: SnapshotMeta,
    /** Each string takes at least 3 bytes (`"",`): a name past fileBytes / 3 is refused before anything grows. */
    private readonly fileBytes: number,
    private readonly malformed: (what: string) => never,
  ) {
    this.nodeWants = namedNodeTypes(meta);
    this.edgeWants = namedEdgeTypes(meta);
  }

  mark(index: number): void {
    if (index >= this.marks.length) this.grow(index);
    this.marks[index] = 1;
    if (index > this.max) this.max = index;
  }

  /** Adds marks made on another thread. */
  merge(marks: Uint8Array): void {
    if (marks.length > this.marks.length) this.grow(marks.length - 1);
    const own = this.marks;
    for (let i = 0; i < marks.length; i++) if (marks[i]) own[i] = 1;
    if (marks.length - 1 > this.max) this.max = marks.length - 1;
  }

  /** One mark per string up to the highest one needed. */
  finish(): Uint8Array {
    return this.marks.slice(0, this.max + 1);
  }

  private grow(index: number): void {
    if (index >= this.fileBytes / 3) this.malformed(`a name refers to string ${index}, more strings than the file can hold`);
    const grown = new Uint8Array(Math.max(index + 1, this.marks.length * 2));
    grown.set(this.marks);
    this.marks = grown;
  }
}
