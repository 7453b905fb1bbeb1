package io.portfw.core.observe;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;

/** Lines to standard output or error, which are never closed. */
final class StreamOutput implements AccessLogOutput {

  private final BufferedWriter out;

  StreamOutput(OutputStream stream) {
    this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 64 * 1024);
  }

  @Override
  public void write(String line) throws IOException {
    out.write(line);
    out.newLine();
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
