package io.portfw.testing;

import java.io.File;

/** This process's open file descriptors, read from /proc (Linux). */
public final class OpenFiles {

  private OpenFiles() {}

  public static int count() {
    String[] fds = new File("/proc/self/fd").list();
    if (fds == null) {
      throw new IllegalStateException("/proc/self/fd is not readable");
    }
    return fds.length;
  }
}
