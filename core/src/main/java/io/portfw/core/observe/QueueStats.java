package io.portfw.core.observe;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** What a pool's waiting line counts for the metrics and the API: its length now, clients that waited, time waited. */
public final class QueueStats {

  private final IntSupplier length;
  private final LongAdder waited = new LongAdder();
  private final LongAdder waitedNanos = new LongAdder();

  public QueueStats(IntSupplier length) {
    this.length = length;
  }

  /** A client left the line (served, timed out or gone) after waiting this long. */
  public void left(long nanos) {
    waited.increment();
    waitedNanos.add(nanos);
  }

  public int length() {
    return length.getAsInt();
  }

  public long waited() {
    return waited.sum();
  }

  public double waitedSeconds() {
    return waitedNanos.sum() / 1e9;
  }
}
