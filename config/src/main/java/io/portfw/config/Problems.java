package io.portfw.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every error found while reading one file, so all are reported at once. */
final class Problems {

  private final List<ConfigError> errors = new ArrayList<>();

  void add(String path, String message) {
    errors.add(new ConfigError(path, message));
  }

  int size() {
    return errors.size();
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  List<ConfigError> list() {
    return List.copyOf(errors);
  }
}
