package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.config.PortfwConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by the commands that read a config. */
final class ConfigFileOption {

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the JSON config file")
  Path file;

  PortfwConfig load() throws ConfigException {
    return ConfigLoader.load(file);
  }
}
