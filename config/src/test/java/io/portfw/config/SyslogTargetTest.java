package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogTargetTest {

  @Test
  void output_namesUdpOrAUnixSocket_orNoSyslog() {
    assertThat(SyslogTarget.of("syslog://127.0.0.1:514")).contains(new SyslogTarget("127.0.0.1", 514, null));
    assertThat(SyslogTarget.of("syslog://[::1]:1514")).contains(new SyslogTarget("::1", 1514, null));
    assertThat(SyslogTarget.of("syslog:/dev/log")).contains(new SyslogTarget(null, 0, "/dev/log"));
    assertThat(SyslogTarget.of("/var/log/portfw/access.log")).isEmpty();
    assertThat(SyslogTarget.of("stdout")).isEmpty();
  }

  @Test
  void malformedSyslogOutputs_areRefusedWithTheShapes() {
    for (String wrong : List.of("syslog://127.0.0.1", "syslog://127.0.0.1:0", "syslog://:514", "syslog:dev/log")) {
      assertThatThrownBy(() -> ConfigLoader.parse("{ \"accessLog\": { \"output\": \"" + wrong + "\" }, "
          + "\"listeners\": [], \"pools\": [] }", "t.json"))
          .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).singleElement()
              .hasToString("accessLog.output: " + new IllegalArgumentExceptionText(wrong).text()));
    }
  }

  /** The reason SyslogTarget gives, read from it so that the test checks the path and that it is the only error. */
  private record IllegalArgumentExceptionText(String output) {
    String text() {
      try {
        SyslogTarget.parse(output);
        throw new AssertionError(output + " was accepted");
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).contains("\"" + output + "\"").contains(SyslogTarget.SHAPES);
        return e.getMessage();
      }
    }
  }
}
