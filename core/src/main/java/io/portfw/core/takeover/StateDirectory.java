package io.portfw.core.takeover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Where a running portfw keeps its control socket, through which a new process takes it over:
 * {@code stateDir} from the config, or beside the config file ({@code portfw.json} has
 * {@code portfw.state}). Only its owner may enter it (mode 0700).
 */
public final class StateDirectory {

  /** The longest path a unix socket address holds (sun_path, with its terminating zero). */
  private static final int MAX_SOCKET_PATH = 107;
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private final Path dir;

  private StateDirectory(Path dir) {
    this.dir = dir;
  }

  /** The state directory of a config: {@code configured} relative to the file's directory, else beside the file. */
  public static StateDirectory of(Optional<String> configured, Path configFile) {
    Path file = configFile.toAbsolutePath().normalize();
    Path base = file.getParent();
    if (configured.isPresent()) {
      return new StateDirectory(base.resolve(configured.get()).normalize());
    }
    String name = file.getFileName().toString();
    String stem = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    return new StateDirectory(base.resolve(stem + ".state"));
  }

  public Path path() {
    return dir;
  }

  /** The control socket's path in it. */
  public Path socket() {
    return dir.resolve("control.sock");
  }

  /**
   * Creates the directory (mode 0700), or checks the one there: a directory of this user, whose
   * mode is narrowed to 0700 when it was wider. Throws with what is wrong.
   */
  public Path prepare() throws IOException {
    if (socket().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
      throw new IOException("stateDir " + dir + ": the path is too long for a unix socket (at most "
          + (MAX_SOCKET_PATH - "/control.sock".length()) + " bytes)");
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("stateDir " + dir + " is not a directory");
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (owner != Peers.ownUid()) {
      throw new IOException("stateDir " + dir + " belongs to uid " + owner + ", not to this process's user ("
          + Peers.ownUid() + ")");
    }
    // The umask may have narrowed what createDirectories asked for, never widened it; an older directory may be wider.
    Files.setPosixFilePermissions(dir, OWNER_ONLY);
    return dir;
  }
}
