package io.portfw.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The bytes of a DNS A query, for readiness probes; the tests' queries come from real DNS clients. */
public final class DnsQueries {

  private DnsQueries() {}

  public static byte[] query(int id, String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(id >> 8);
    out.write(id);
    out.writeBytes(new byte[] {0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}); // recursion desired, one question
    for (String label : name.split("\\.")) {
      byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
      out.write(bytes.length);
      out.writeBytes(bytes);
    }
    out.writeBytes(new byte[] {0, 0, 1, 0, 1}); // end of name, type A, class IN
    return out.toByteArray();
  }
}
