package io.portfw.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.List;

/**
 * Writes runtime changes into the config file itself: the file's own JSON is edited (a weight set,
 * a backend object added or taken out of its pool's list), so everything else in it stays as the
 * operator wrote it, {@code ${NAME}} references included. Written beside the file and renamed over
 * it in one step: a reader sees the old file or the new one, never half of one.
 */
final class ConfigFileWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigFileWriter() {}

  /**
   * Writes the changes into {@code link} (the file it points to, when a symlink), after checking
   * that the edited file reads back with {@code check}: a file that would not load is never put in place.
   */
  static void write(Path link, List<RuntimeChanges.Change> changes, ReadBack check) throws IOException {
    Path file = link.toRealPath(); // a symlinked config stays a symlink: its target is what is replaced
    JsonNode root = JSON.readTree(Files.readString(file));
    if (!(root instanceof ObjectNode) || !(root.get("pools") instanceof ArrayNode pools)) {
      throw new IOException(file + " has no \"pools\" list to write the changes into");
    }
    for (RuntimeChanges.Change c : changes) {
      ArrayNode backends = backendsOf(pools, c.pool(), file);
      int at = indexOf(backends, c.address());
      if (at < 0 && c.inFile().isPresent()) {
        throw new IOException("pool " + c.pool() + ": backend " + c.address() + " is written in " + file
            + " with a ${NAME} reference, which save does not rewrite; change that entry by hand");
      }
      if (c.runtime().isEmpty()) {
        if (at >= 0) {
          backends.remove(at);
        }
      } else if (at >= 0) {
        ((ObjectNode) backends.get(at)).put("weight", c.runtime().get().weight());
      } else {
        backends.add(objectOf(c.runtime().get()));
      }
    }
    Path next = file.resolveSibling("." + file.getFileName() + ".saving");
    Files.deleteIfExists(next);
    PosixFileAttributeView mode = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (mode != null) {
      // Made with the file's own mode from the start: a config holding a token is never readable by others.
      Files.createFile(next, PosixFilePermissions.asFileAttribute(mode.readAttributes().permissions()));
    }
    try {
      Files.writeString(next, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
      check.verify(next);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(next);
    }
  }

  /** Whether an edited file, not yet in place, reads as it should; throws with why when not. */
  interface ReadBack {
    void verify(Path edited) throws IOException;
  }

  private static ArrayNode backendsOf(ArrayNode pools, String name, Path file) throws IOException {
    for (JsonNode p : pools) {
      if (name.equals(p.path("name").asText()) && p.get("backends") instanceof ArrayNode backends) {
        return backends;
      }
    }
    throw new IOException(file + " has no pool named \"" + name + "\" any more");
  }

  /** The element of {@code backends} for this address, read with the config's own rules; -1 when none. */
  private static int indexOf(ArrayNode backends, BackendAddress address) {
    int i = 0;
    for (Iterator<JsonNode> it = backends.elements(); it.hasNext(); i++) {
      JsonNode b = it.next();
      try {
        if (ConfigLoader.parseBackend(b.toString(), "backend").address().equals(address)) {
          return i;
        }
      } catch (ConfigException unreadable) {
        // e.g. an address from ${NAME}: not one the operator changed at runtime
      }
    }
    return -1;
  }

  /** A backend as the config file writes it. */
  static ObjectNode objectOf(BackendConfig b) {
    ObjectNode o = JSON.createObjectNode().put("address", b.address().toString());
    if (b.weight() != BackendConfig.DEFAULT_WEIGHT) {
      o.put("weight", b.weight());
    }
    if (b.backup()) {
      o.put("backup", true);
    }
    if (b.maxConnections() != BackendConfig.UNLIMITED) {
      o.put("maxConnections", b.maxConnections());
    }
    b.source().ifPresent(source -> o.put("source", source.toString()));
    return o;
  }
}
