package io.portfw.core.observe;

import java.io.Closeable;
import java.io.IOException;

/** Where the access log's lines go; used by the access log's own thread only. */
interface AccessLogOutput extends Closeable {

  /** Writes one line (no line end). */
  void write(String line) throws IOException;

  /** Pushes out what was written since the last flush. */
  void flush() throws IOException;

  /** Opens its file anew under the same name (after logrotate renamed it); false when it has no file. */
  default boolean reopen() throws IOException {
    return false;
  }
}
