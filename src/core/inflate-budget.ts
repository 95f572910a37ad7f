/**
 * One byte budget for everything read ahead: the decoded (inflated) bytes of every file read or
 * decompressed before the pipeline takes it. Without it each file in flight may inflate to the
 * per-file limit at once, so a few gzip bombs side by side add up to gigabytes.
 *
 * Files take tickets in listing order. A ticket grows while the bytes held by all tickets stay
 * within the budget; the oldest open ticket (the file the pipeline waits for next) may always grow,
 * so the run never stalls. Bytes held at once: at most the budget plus one file at its own limit.
 */
export class InflateBudget {
  private held = 0;
  private readonly open: InflateTicket[] = [];
  private readonly waiting: { ticket: InflateTicket; bytes: number; grant: () => void }[] = [];

  /** @param bytes the bytes all files but the oldest may hold together. */
  constructor(readonly bytes: number) {}

  /** Bytes held by every open ticket. */
  get inFlight(): number {
    return this.held;
  }

  /** A ticket for the next file in listing order. */
  ticket(): InflateTicket {
    const ticket = new InflateTicket(this);
    this.open.push(ticket);
    return ticket;
  }

  /** @internal */
  grow(ticket: InflateTicket, bytes: number): Promise<void> {
    if (this.fits(ticket, bytes)) {
      this.take(ticket, bytes);
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ ticket, bytes, grant }));
  }

  /** @internal */
  shrinkTo(ticket: InflateTicket, bytes: number): void {
    if (bytes >= ticket.held) return;
    this.held -= ticket.held - bytes;
    ticket.held = bytes;
    this.wake();
  }

  /** @internal */
  close(ticket: InflateTicket): void {
    const i = this.open.indexOf(ticket);
    if (i < 0) return;
    this.open.splice(i, 1);
    this.held -= ticket.held;
    ticket.held = 0;
    // A closed ticket's waits end (its file is no longer read); the caller stopped waiting.
    for (let w = this.waiting.length - 1; w >= 0; w--) {
      if (this.waiting[w].ticket === ticket) this.waiting.splice(w, 1)[0].grant();
    }
    this.wake();
  }

  private fits(ticket: InflateTicket, bytes: number): boolean {
    return this.open[0] === ticket || this.held + bytes <= this.bytes;
  }

  private take(ticket: InflateTicket, bytes: number): void {
    this.held += bytes;
    ticket.held += bytes;
  }

  /** Grants waits that now fit, oldest ticket first. */
  private wake(): void {
    this.waiting.sort((a, b) => this.open.indexOf(a.ticket) - this.open.indexOf(b.ticket));
    for (let w = 0; w < this.waiting.length; ) {
      const { ticket, bytes, grant } = this.waiting[w];
      if (this.fits(ticket, bytes)) {
        this.waiting.splice(w, 1);
        this.take(ticket, bytes);
        grant();
      } else w++;
    }
  }
}

/** One file's share of an {@link InflateBudget}. */
export class InflateTicket {
  /** Bytes this file holds now. */
  held = 0;

  constructor(private readonly budget: InflateBudget) {}

  /** Waits until `bytes` more may be held, then holds them. */
  grow(bytes: number): Promise<void> {
    return this.budget.grow(this, bytes);
  }

  /** Keeps only `bytes` (the file turned out smaller than reserved). */
  shrinkTo(bytes: number): void {
    this.budget.shrinkTo(this, bytes);
  }

  /** The file left the read-ahead (taken by the pipeline, or failed): its bytes are free. */
  close(): void {
    this.budget.close(this);
  }
}

/**
 * How much to reserve before inflating `stored` bytes, from the size a gzip trailer claims (the
 * last member's, modulo 4 GiB: a hint, never trusted as a bound), at least 64 KiB and at most `max`.
 */
export function inflateEstimate(stored: Uint8Array, max: number): number {
  const n = stored.length;
  const claimed =
    n >= 18
      ? (stored[n - 4] | (stored[n - 3] << 8) | (stored[n - 2] << 16) | (stored[n - 1] << 24)) >>> 0
      : 0;
  return Math.min(max, Math.max(64 * 1024, claimed, n));
}
