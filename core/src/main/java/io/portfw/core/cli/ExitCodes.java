package io.portfw.core.cli;

/** The command line's exit codes; scripts and CI pipelines rely on them. */
final class ExitCodes {

  /** Done, or stopped by SIGTERM/SIGINT after draining. */
  static final int OK = 0;
  /** Could not start, e.g. a port could not be bound. */
  static final int FAILURE = 1;
  /** The config file is invalid, or the command line is wrong. */
  static final int INVALID = 2;
  /** {@code import}: the config was written, but something was approximated or dropped (see the report). */
  static final int PARTIAL = 3;

  private ExitCodes() {}
}
