package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

  private static Cidr cidr(String text) {
    return Cidr.parse(text).cidr().orElseThrow();
  }

  private static boolean in(String block, String address) throws Exception {
    return cidr(block).contains(InetAddress.getByName(address));
  }

  @Test
  void contains_ipv4AndIpv6_atEveryPrefix() throws Exception {
    assertThat(in("10.0.0.0/8", "10.255.1.2")).isTrue();
    assertThat(in("10.0.0.0/8", "11.0.0.1")).isFalse();
    assertThat(in("192.168.1.128/25", "192.168.1.200")).isTrue();
    assertThat(in("192.168.1.128/25", "192.168.1.127")).isFalse();
    assertThat(in("203.0.113.7", "203.0.113.7")).isTrue();
    assertThat(in("203.0.113.7", "203.0.113.8")).isFalse();
    assertThat(in("0.0.0.0/0", "8.8.8.8")).isTrue();
    assertThat(in("2001:db8::/32", "2001:db8:1::5")).isTrue();
    assertThat(in("2001:db8::/32", "2001:db9::5")).isFalse();
    assertThat(in("::1", "::1")).isTrue();
    assertThat(in("10.0.0.0/8", "::ffff:10.1.2.3")).as("an IPv4 client on a dual-stack socket").isTrue();
    assertThat(in("10.0.0.0/8", "2001:db8::1")).isFalse();
  }

  @Test
  void parse_saysWhatIsWrong() {
    assertThat(Cidr.parse("10.0.0.1/8").error()).contains("\"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)");
    assertThat(Cidr.parse("2001:db8::1/32").error())
        .contains("\"2001:db8::1/32\" has host bits set (did you mean 2001:db8::/32?)");
    assertThat(Cidr.parse("10.0.0.0/33").error()).contains("\"10.0.0.0/33\" has a prefix length out of range 0-32");
    assertThat(Cidr.parse("example.com/8").error()).isPresent();
    assertThat(Cidr.parse("10.0.0.0/x").error()).isPresent();
    assertThat(cidr("2001:db8:0:0:1::/80").toString()).isEqualTo("2001:db8:0:0:1::/80");
  }
}
