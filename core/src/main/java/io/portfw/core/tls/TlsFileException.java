package io.portfw.core.tls;

import java.nio.file.Path;

/** A certificate or key file that cannot serve: which file, and why, in words an operator can act on. */
public final class TlsFileException extends Exception {

  private final Path file;

  public TlsFileException(Path file, String reason) {
    super(file + ": " + reason);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
