package io.portfw.core.importing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPatternsTest {

  @Test
  void starsAndQuestionMarks_becomeTheFewestAlignedBlocks() {
    assertThat(AddressPatterns.blocks("192.168.1.*")).contains(List.of("192.168.1.0/24"));
    assertThat(AddressPatterns.blocks("10.*")).contains(List.of("10.0.0.0/8"));
    assertThat(AddressPatterns.blocks("*")).contains(List.of("0.0.0.0/0"));
    assertThat(AddressPatterns.blocks("10.0.0.?")).contains(List.of("10.0.0.0/29", "10.0.0.8/31"));
    assertThat(AddressPatterns.blocks("10.0.0.1?")).contains(List.of("10.0.0.10/31", "10.0.0.12/30", "10.0.0.16/30"));
    assertThat(AddressPatterns.blocks("192.0.2.7")).contains(List.of("192.0.2.7/32"));
    assertThat(AddressPatterns.blocks("10.*.7.*")).hasValueSatisfying(b -> assertThat(b).hasSize(256)
        .contains("10.0.7.0/24", "10.255.7.0/24"));
  }

  @Test
  void patternsThatAreNotIpv4OrNeedTooManyBlocks_areNotConverted() {
    assertThat(AddressPatterns.blocks("example.com")).isEmpty();
    assertThat(AddressPatterns.blocks("2001:db8::*")).isEmpty();
    assertThat(AddressPatterns.blocks("1.2.3.4.5")).isEmpty();
    assertThat(AddressPatterns.blocks("10.*.*.1")).as("65536 single addresses").isEmpty();
    assertThat(AddressPatterns.blocks("300.1.1.1")).isEmpty();
  }

  @Test
  void theIntersectionKeepsTheSmallerOfNestedBlocks() {
    assertThat(AddressPatterns.intersection(List.of("10.0.0.0/8", "192.168.0.0/16"), List.of("10.1.0.0/16",
        "172.16.0.0/12"))).containsExactly("10.1.0.0/16");
    assertThat(AddressPatterns.intersection(List.of("10.0.0.0/24"), List.of("10.0.1.0/24"))).isEmpty();
  }
}
