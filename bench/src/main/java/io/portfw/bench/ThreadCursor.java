package io.portfw.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Where each benchmark thread is in a table of clients or addresses: threads start at different
 * places and walk on their own, so they do not all hit the same entry.
 */
@State(Scope.Thread)
public class ThreadCursor {

  /** The next index; the benchmark masks it to its table's size. */
  public int next;

  @Setup(Level.Iteration)
  public void reset() {
    next = (int) Thread.currentThread().getId() * 131;
  }
}
