/** A source's "gone" signal: listeners called once, the first time it fires. */
export class CloseSignal {
  private readonly listeners: Array<() => void> = [];
  private fired = false;

  get closed(): boolean {
    return this.fired;
  }

  listen(listener: () => void): void {
    this.listeners.push(listener);
  }

  fire(): void {
    if (this.fired) return;
    this.fired = true;
    for (const l of this.listeners) l();
  }
}
