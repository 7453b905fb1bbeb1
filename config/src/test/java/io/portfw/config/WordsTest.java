package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordsTest {

  private final Problems problems = new Problems();

  @Test
  void enumWords_areTheLowerCaseNamesInDeclarationOrder() {
    Words<Protocol> protocols = Words.of("a protocol", Protocol.class);

    assertThat(protocols.words()).containsExactly("tcp", "udp");
    assertThat(protocols.read("udp", "p", problems)).contains(Protocol.UDP);
    assertThat(protocols.read("UDP", "p", problems)).isEmpty();
    assertThat(errors()).containsExactly("p: \"UDP\" is not a protocol (use \"tcp\" or \"udp\")");
  }

  @Test
  void ignoringCase_matchesAnyCase_andQuotesTheWordAsWritten() {
    Words<Protocol> protocols = Words.of("a protocol", Protocol.class).ignoringCase();

    assertThat(protocols.read("UDP", "p", problems)).contains(Protocol.UDP);
    assertThat(protocols.read("Sctp", "p", problems)).isEmpty();
    assertThat(errors()).containsExactly("p: \"Sctp\" is not a protocol (use \"tcp\" or \"udp\")");
  }

  @Test
  void eachListing_keepsItsShape() {
    Words.of("a health check type", Words.Listing.PLAIN, Map.entry("tcp", 1), Map.entry("http", 2),
        Map.entry("send-expect", 3)).read("ping", "a", problems);
    Words.names("a balancing strategy", Words.Listing.ONE_OF, List.of("x", "y", "z")).read("w", "b", problems);
    Words.of("a choice", Words.Listing.QUOTED, Map.entry("x", 1), Map.entry("y", 2), Map.entry("z", 3))
        .read("w", "c", problems);

    assertThat(errors()).containsExactly(
        "a: \"ping\" is not a health check type (use tcp, http or send-expect)",
        "b: \"w\" is not a balancing strategy (use one of: x, y, z)",
        "c: \"w\" is not a choice (use \"x\", \"y\" or \"z\")");
  }

  private List<String> errors() {
    return problems.list().stream().map(ConfigError::toString).toList();
  }
}
