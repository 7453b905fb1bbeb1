package io.portfw.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * One running check with a deadline: completes once, passing or failing, and on a failure or
 * the deadline runs its clean-up so nothing stays open.
 */
final class Attempt {

  private final Vertx vertx;
  private final Promise<String> result = Promise.promise();
  private final long timer;
  private Runnable cleanUp = () -> {};

  /** {@code waitingFor} completes the timeout's reason, e.g. " waiting for the answer to GET /". */
  Attempt(Vertx vertx, long timeoutMillis, Supplier<String> waitingFor) {
    this.vertx = vertx;
    this.timer = vertx.setTimer(timeoutMillis,
        id -> fail("timeout after " + DurationWords.words(timeoutMillis) + waitingFor.get()));
  }

  /** What closes the connection when the attempt ends. */
  void onEnd(Runnable action) {
    this.cleanUp = action;
  }

  boolean isDone() {
    return result.future().isComplete();
  }

  void pass(String detail) {
    if (result.tryComplete(detail)) {
      vertx.cancelTimer(timer);
      cleanUp.run();
    }
  }

  void fail(String reason) {
    if (result.tryFail(new ProbeFailure(reason))) {
      vertx.cancelTimer(timer);
      cleanUp.run();
    }
  }

  void fail(Throwable cause) {
    fail(Failures.describe(cause));
  }

  Future<String> future() {
    return result.future();
  }
}
