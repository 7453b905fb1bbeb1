package io.portfw.core.observe;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Lines appended to a file, which can be opened anew under its name: logrotate renames the file
 * and sends SIGUSR1; what was written before is in the renamed file, what comes after in the new.
 */
final class FileOutput implements AccessLogOutput {

  private final Path file;
  private BufferedWriter out;

  FileOutput(Path file) throws IOException {
    this.file = file;
    this.out = open(file);
  }

  private static BufferedWriter open(Path file) throws IOException {
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
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
  public boolean reopen() throws IOException {
    BufferedWriter next = open(file); // first, so that a failure keeps the old file in use
    BufferedWriter old = out;
    out = next;
    old.close();
    return true;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
