package io.portfw.core.upstream;

import io.netty.channel.EventLoop;
import io.portfw.config.QueueConfig;
import io.portfw.core.observe.QueueStats;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/**
 * A pool's waiting line, shared by every event loop: clients that found every usable backend full
 * wait here, first come first served, and a slot freed anywhere in the pool goes to the one that
 * has waited longest, on its own event loop. Small critical sections under the line's lock.
 */
public final class WaitQueue {

  /** One waiting client: it retries on its own loop when called. */
  static final class Waiter {
    final EventLoop loop;
    final Runnable retry;
    /** False once its client has gone: it no longer holds a place in the line. */
    final BooleanSupplier alive;

    Waiter(EventLoop loop, Runnable retry, BooleanSupplier alive) {
      this.loop = loop;
      this.retry = retry;
      this.alive = alive;
    }
  }

  private final Deque<Waiter> waiting = new ArrayDeque<>();
  private final QueueStats stats = new QueueStats(this::length);
  private volatile QueueConfig config;

  WaitQueue(QueueConfig config) {
    this.config = config;
  }

  QueueConfig config() {
    return config;
  }

  void config(QueueConfig next) {
    this.config = next;
  }

  QueueStats stats() {
    return stats;
  }

  synchronized int length() {
    return waiting.size();
  }

  synchronized boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** Joins at the end, or at the head for one that had its turn and found the slot taken; false when the line is full. */
  synchronized boolean join(Waiter w, boolean atHead) {
    if (!atHead && waiting.size() >= config.max()) {
      waiting.removeIf(gone -> !gone.alive.getAsBoolean()); // clients that left count no more
    }
    if (!atHead && waiting.size() >= config.max()) {
      return false;
    }
    if (atHead) {
      waiting.addFirst(w);
    } else {
      waiting.addLast(w);
    }
    return true;
  }

  /** Takes a waiter out (its timeout, its client gone); false when it had already had its turn. */
  synchronized boolean leave(Waiter w) {
    return waiting.remove(w);
  }

  /** A slot freed: the longest-waiting client tries again, on its loop. */
  void freed() {
    Waiter next;
    synchronized (this) {
      next = waiting.pollFirst();
    }
    if (next != null) {
      next.loop.execute(next.retry);
    }
  }
}
