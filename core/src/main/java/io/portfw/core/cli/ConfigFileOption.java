package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.config.PortfwConfig;
import io.portfw.core.runtime.TlsMaterial;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by the commands that read a config. */
final class ConfigFileOption {

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the JSON config file")
  Path file;

  private TlsMaterial tls;

  /** The config, with every certificate and key it names read and checked: a file that cannot serve is a config error. */
  PortfwConfig load() throws ConfigException {
    PortfwConfig config = ConfigLoader.load(file);
    TlsMaterial loaded = TlsMaterial.load(config);
    if (!loaded.errors().isEmpty()) {
      throw new ConfigException(file.toString(), loaded.errors());
    }
    tls = loaded;
    return config;
  }

  /** The certificates the last {@link #load} read and checked ({@code check} prints them). */
  TlsMaterial tls() {
    return tls;
  }
}
