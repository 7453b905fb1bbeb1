package io.portfw.core.importing;

/** The input cannot be read as what it claims to be: where (a line) and why. */
public final class ImportException extends Exception {

  private final int line;

  public ImportException(int line, String why) {
    super(why);
    this.line = line;
  }

  /** The input's line (1-based), or 0 when the problem is the whole input. */
  public int line() {
    return line;
  }
}
