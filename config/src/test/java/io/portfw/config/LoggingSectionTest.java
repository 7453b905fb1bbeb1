package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoggingSectionTest {

  private static final String BASE = "{ \"listeners\": [], \"pools\": [] %s }";

  private static PortfwConfig parse(String logging) throws ConfigException {
    return ConfigLoader.parse(BASE.formatted(logging), "logging.json");
  }

  @Test
  void logging_leftOut_isInfoAsText() throws Exception {
    assertThat(parse("").logging()).isEqualTo(LoggingConfig.DEFAULT);
    assertThat(LoggingConfig.DEFAULT).isEqualTo(new LoggingConfig(LoggingConfig.Level.INFO, LoggingConfig.Format.TEXT));
  }

  @Test
  void logging_readsLevelInAnyCase_andFormat() throws Exception {
    assertThat(parse(", \"logging\": { \"level\": \"DEBUG\", \"format\": \"json\" }").logging())
        .isEqualTo(new LoggingConfig(LoggingConfig.Level.DEBUG, LoggingConfig.Format.JSON));
    assertThat(parse(", \"logging\": { \"format\": \"json\" }").logging().level()).isEqualTo(LoggingConfig.Level.INFO);
  }

  @Test
  void logging_wrongWordsAndKeys_areRefusedWithTheirPath() {
    assertThatThrownBy(() -> parse(", \"logging\": { \"level\": \"verbose\", \"format\": \"xml\", \"colour\": 1 }"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).map(ConfigError::toString)
            .containsExactlyInAnyOrder(
                "logging.level: \"verbose\" is not a log level (use \"trace\", \"debug\", \"info\", \"warn\", \"error\" or \"off\")",
                "logging.format: \"xml\" is not a log format (use \"text\" or \"json\")",
                "logging.colour: unknown key (known keys: level, format)"));
  }

  @Test
  void diff_loggingOnly_isAChangeAppliedInPlace() throws Exception {
    ConfigDiff diff = ConfigDiff.between(parse(""), parse(", \"logging\": { \"level\": \"debug\" }"));
    assertThat(diff.loggingChanged()).isTrue();
    assertThat(diff.adminChanged()).isFalse();
    assertThat(diff.isEmpty()).isFalse();
    assertThat(diff.summary()).isEqualTo("logging changed");
    assertThat(ConfigDiff.between(parse(""), parse(", \"logging\": { \"level\": \"info\" }")).isEmpty()).isTrue();
  }
}
