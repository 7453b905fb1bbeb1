package io.portfw.health;

/** A failed health check, its message the reason as logged ("HTTP 503", "timeout after 1s"). */
final class ProbeFailure extends Exception {

  ProbeFailure(String reason) {
    super(reason, null, false, false); // the reason says it all; a stack trace would only cost
  }
}
