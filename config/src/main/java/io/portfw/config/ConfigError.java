package io.portfw.config;

import static java.util.Objects.requireNonNull;

/**
 * One problem found in a config file: where it is (a JSON path such as
 * {@code pools[0].backends[1].address}) and why it is wrong.
 */
public record ConfigError(String path, String message) {

  public ConfigError {
    requireNonNull(path, "path");
    requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
