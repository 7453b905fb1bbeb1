package io.portfw.core.importing;

import io.portfw.config.Cidr;
import java.util.List;
import java.util.Optional;

/** Client address blocks read from another tool, checked as portfw's acl reads them. */
final class AddressBlocks {

  private AddressBlocks() {}

  /** {@code 10.0.0.1} as {@code 10.0.0.1/32}, {@code ::1} as {@code ::1/128}, a block as written. */
  static String block(String address) {
    return address.contains("/") ? address : address.contains(":") ? address + "/128" : address + "/32";
  }

  /** Why one of {@code blocks} is not an address block portfw reads, or empty when all are. */
  static Optional<String> problem(List<String> blocks) {
    for (String b : blocks) {
      Optional<String> error = Cidr.parse(b).error();
      if (error.isPresent()) {
        return error;
      }
    }
    return Optional.empty();
  }
}
