// Which frame sequence numbers a file has yielded: duplicates are skipped, and the numbers never seen
// between 0 and the highest one are the missing frames. Kept as sorted disjoint intervals, so a
// multi-GB file (one interval when intact) costs no memory.

export class FrameSequence {
  private readonly seen: [number, number][] = []; // inclusive [from, to], sorted, disjoint, not adjacent
  private highest = -1;

  /** Records `seq`; false when it was seen before (a duplicate). */
  observe(seq: number): boolean {
    const i = this.seen.findIndex(([, to]) => to >= seq - 1);
    if (i === -1) {
      this.seen.push([seq, seq]);
    } else {
      const interval = this.seen[i]!;
      if (seq >= interval[0] && seq <= interval[1]) return false;
      if (seq === interval[1] + 1) interval[1] = seq;
      else if (seq === interval[0] - 1) interval[0] = seq;
      else this.seen.splice(seq < interval[0] ? i : i + 1, 0, [seq, seq]);
      this.mergeAround(i);
    }
    this.highest = Math.max(this.highest, seq);
    return true;
  }

  /** The highest sequence number seen so far, -1 before any. */
  get last(): number {
    return this.highest;
  }

  /** Ranges [from, to] (inclusive) below the highest number seen that no frame had. */
  missing(): [number, number][] {
    const gaps: [number, number][] = [];
    let next = 0;
    for (const [from, to] of this.seen) {
      if (from > next) gaps.push([next, from - 1]);
      next = to + 1;
    }
    return gaps;
  }

  private mergeAround(i: number): void {
    for (let j = Math.max(0, i - 1); j < this.seen.length - 1; ) {
      const a = this.seen[j]!;
      const b = this.seen[j + 1]!;
      if (b[0] <= a[1] + 1) {
        a[1] = Math.max(a[1], b[1]);
        this.seen.splice(j + 1, 1);
      } else if (j > i) {
        break;
      } else {
        j++;
      }
    }
  }
}
