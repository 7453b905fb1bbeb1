package io.portfw.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files the command line writes whole or not at all (a pid file another process waits to read, an
 * imported config): written beside the target, then renamed over it.
 */
final class WholeFiles {

  private WholeFiles() {}

  static void write(Path file, String text) throws IOException {
    Path target = file.toAbsolutePath();
    Path written = Files.writeString(target.resolveSibling(target.getFileName() + ".new"), text);
    Files.move(written, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
