package io.portfw.config;

import java.util.List;

/** A config that cannot be used, with every error found in it. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigError> errors;

  public ConfigException(String source, List<ConfigError> errors) {
    super(describe(source, errors));
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }

  private static String describe(String source, List<ConfigError> errors) {
    StringBuilder text = new StringBuilder()
        .append(source).append(": ").append(errors.size())
        .append(errors.size() == 1 ? " error" : " errors");
    for (ConfigError error : errors) {
      text.append(System.lineSeparator()).append("  ").append(error);
    }
    return text.toString();
  }
}
