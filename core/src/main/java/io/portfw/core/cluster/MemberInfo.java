package io.portfw.core.cluster;

import io.vertx.core.json.JsonObject;

/**
 * What a member says about itself in each heartbeat.
 *
 * @param id the member's node id (Hazelcast's member UUID, new at each start)
 * @param address its cluster address, {@code host:port}
 * @param version the portfw version it runs
 * @param configHash the hash of its config file (runtime changes aside, as they are shared anyway)
 * @param startedAt when it started, in milliseconds since the epoch
 * @param sentAt when it sent this heartbeat, by its own clock
 */
public record MemberInfo(String id, String address, String version, String configHash, long startedAt, long sentAt) {

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("address", address).put("version", version)
        .put("configHash", configHash).put("startedAt", startedAt).put("sentAt", sentAt);
  }

  /** The info in a heartbeat's body; throws when a field is missing or of the wrong type. */
  static MemberInfo fromJson(JsonObject json) {
    return new MemberInfo(required(json, "id"), required(json, "address"), required(json, "version"),
        required(json, "configHash"), json.getLong("startedAt"), json.getLong("sentAt"));
  }

  private static String required(JsonObject json, String key) {
    String value = json.getString(key);
    if (value == null) {
      throw new IllegalArgumentException("heartbeat without " + key);
    }
    return value;
  }
}
