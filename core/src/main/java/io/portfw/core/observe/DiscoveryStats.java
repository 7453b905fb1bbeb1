package io.portfw.core.observe;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a pool's DNS discovery ({@code discover}) shows the API and the metrics: what it asks, how
 * many backends the last answer gave, and whether lookups fail now (the last answer stays then).
 * Written by the discovery's event loop, read from any thread.
 */
public final class DiscoveryStats {

  private final String question;
  private final LongAdder lookups = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private volatile int backends;
  private volatile Instant lastAnswer;
  private volatile Instant failingSince;
  private volatile String lastError;

  /** {@code question}: what is asked, as {@code "web.internal A"} or {@code "_http._tcp.web.internal SRV"}. */
  public DiscoveryStats(String question) {
    this.question = question;
  }

  /** A lookup was answered (an empty answer too) and gave this many backends. */
  public void answered(int backends) {
    lookups.increment();
    this.backends = backends;
    this.lastAnswer = Instant.now();
    this.failingSince = null;
    this.lastError = null;
  }

  /** A lookup got no answer (timeout, SERVFAIL, refused): the backends of the last answer stay. */
  public void failed(String why) {
    lookups.increment();
    failures.increment();
    if (failingSince == null) {
      failingSince = Instant.now();
    }
    lastError = why;
  }

  public String question() {
    return question;
  }

  public long lookups() {
    return lookups.sum();
  }

  public long failures() {
    return failures.sum();
  }

  public int backends() {
    return backends;
  }

  public Optional<Instant> lastAnswer() {
    return Optional.ofNullable(lastAnswer);
  }

  /** Since when lookups fail, while they do. */
  public Optional<Instant> failingSince() {
    return Optional.ofNullable(failingSince);
  }

  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** 1 while lookups fail (the pool runs on the last answer), else 0: a gauge. */
  public int failing() {
    return failingSince == null ? 0 : 1;
  }
}
