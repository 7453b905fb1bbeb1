package io.portfw.config;

import java.net.InetAddress;
import java.util.List;

/**
 * Which clients a listener lets in: none in {@code deny}, and, when {@code allow} is not empty,
 * only those in it. Deny is read first.
 */
public record AclConfig(List<Cidr> allow, List<Cidr> deny) {

  public static final AclConfig OPEN = new AclConfig(List.of(), List.of());

  public AclConfig {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
  }

  public boolean permits(InetAddress client) {
    for (Cidr c : deny) {
      if (c.contains(client)) {
        return false;
      }
    }
    if (allow.isEmpty()) {
      return true;
    }
    for (Cidr c : allow) {
      if (c.contains(client)) {
        return true;
      }
    }
    return false;
  }

  public boolean isOpen() {
    return allow.isEmpty() && deny.isEmpty();
  }
}
