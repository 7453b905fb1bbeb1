package io.portfw.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/portfw.schema.json agrees with the loader: what one accepts the other accepts, and the same for refusals. */
class ConfigSchemaTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static Validator schema;

  @BeforeAll
  static void loadSchema() throws Exception {
    JsonObject text = new JsonObject(Files.readString(ROOT.resolve("docs/portfw.schema.json")));
    schema = Validator.create(JsonSchema.of(text),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://portfw.io/schema/"));
  }

  @Test
  void everyExampleConfig_isValid() throws Exception {
    List<Path> examples;
    try (Stream<Path> files = Files.list(ROOT.resolve("docs/examples"))) {
      examples = files.filter(f -> f.toString().endsWith(".json")).toList();
    }
    assertThat(examples).isNotEmpty();
    for (Path example : examples) {
      OutputUnit result = schema.validate(new JsonObject(Files.readString(example)));
      assertThat(result.getValid()).as("%s: %s", example, result.getErrors()).isTrue();
    }
  }

  static Stream<String> goodConfigs() {
    return Stream.of(
        """
        { "admin": { "listen": "127.0.0.1:9900", "token": "${PORTFW_TOKEN:-0123456789abcdef}" },
          "accessLog": { "format": "json", "output": "/var/log/portfw/access.log" },
          "logging": { "level": "DEBUG", "format": "json" },
          "cluster": { "name": "edge", "members": ["10.0.0.1:5701", "10.0.0.2"], "listen": "10.0.0.1:5701",
                       "secret": "${CLUSTER_SECRET:-0123456789abcdef}", "shareEjections": true },
          "listeners": [ { "name": "web", "protocol": "tcp", "listen": "0.0.0.0:${WEB_PORT:-8080}", "pool": "web",
                           "timeouts": { "connect": "250ms", "idle": "2m", "drain": "5s", "fin": "30s" } },
                         { "name": "range", "listen": "[::]:30000-30100", "pool": "web",
                           "acl": { "allow": ["10.0.0.0/8", "2001:db8::/32"], "deny": ["10.1.2.3"] },
                           "limits": { "maxConnections": 1000, "maxConnectionsPerSource": 10, "connectionRate": 20 },
                           "acceptProxyProtocol": { "trusted": ["10.0.0.5"], "timeout": "2s" },
                           "routes": [ { "serverName": "*.example.com", "pool": "web" } ], "sniTimeout": "3s", "notTls": "close" } ],
          "pools": [ { "name": "web", "balance": "least-connections", "retries": 0, "slowStart": "30s", "proxyProtocol": "v2",
                       "sticky": { "ttl": "30m", "maxEntries": 1000 },
                       "health": { "type": "http", "path": "/healthz", "host": "www.example.com", "expectStatus": "200,204",
                                   "expectBody": "ok", "interval": "5s", "timeout": "2s", "rise": 1, "fall": 2,
                                   "port": 8081, "initial": "down" },
                       "outlier": { "consecutiveFailures": 3, "ejectionTime": "10s", "maxEjectionTime": "2m",
                                    "maxEjectionPercent": 25 },
                       "backends": [ { "address": "10.0.0.11:80", "weight": 10, "maxConnections": 100 },
                                     { "address": "backend.internal", "backup": true } ] } ] }
        """,
        """
        { "listeners": [ { "name": "smtp", "listen": "0.0.0.0:25", "pool": "mail" },
                         { "name": "dns", "protocol": "udp", "listen": "0.0.0.0:53", "pool": "ssh", "responses": 1,
                           "sessionIdle": "10s", "maxSessions": 5000 } ],
          "pools": [ { "name": "mail", "health": { "type": "send-expect", "send": "QUIT\\r\\n", "expect": "^220 " },
                       "outlier": {}, "backends": [ { "address": "10.0.0.25:25" } ] },
                     { "name": "ssh", "health": { "type": "send-expect", "protocol": "udp", "send": "x", "expect": "y" },
                       "backends": [ { "address": "10.0.0.22:22" } ] },
                     { "name": "found", "discover": { "name": "web.internal", "port": 80 } },
                     { "name": "mixed", "discover": { "srv": "_http._tcp.web.internal." },
                       "backends": [ { "address": "10.0.0.23:80" } ] },
                     { "name": "real-client", "transparent": true, "backends": [ { "address": "10.0.0.24:80" } ] },
                     { "name": "inside", "source": "127.0.0.1:1025-65000",
                       "backends": [ { "address": "10.0.0.25:80", "source": "127.0.0.2" } ] } ] }
        """,
        """
        { "cluster": { "name": "edge", "listen": "10.0.0.1", "secret": "${CLUSTER_SECRET:-0123456789abcdef}",
                       "kubernetes": { "dns": "portfw-peers.prod.svc.cluster.local" } },
          "listeners": [ { "name": "a", "listen": "0.0.0.0:80", "pool": "p" },
                         { "name": "b", "listen": "0.0.0.0:81", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """);
  }

  /** Each is wrong in one way only, so the loader refuses it for that reason too. */
  static Stream<String> badConfigs() {
    String pool = "\"pools\": [ { \"name\": \"p\", \"backends\": [ { \"address\": \"10.0.0.1:80\" } ] } ]";
    return Stream.of(
        "{ \"listeners\": [], \"pools\": [], \"colour\": \"blue\" }",
        "{ \"listeners\": [ { \"name\": \"web\", \"pool\": \"p\" } ], " + pool + " }",
        "{ \"listeners\": [ { \"name\": \"web\", \"listen\": \"0.0.0.0\", \"pool\": \"p\" } ], " + pool + " }",
        "{ \"listeners\": [ { \"name\": \"web\", \"listen\": \"0.0.0.0:80\", \"pool\": \"p\", "
            + "\"timeouts\": { \"idle\": \"5 minutes\" } } ], " + pool + " }",
        "{ \"listeners\": [ { \"name\": \"web\", \"listen\": \"0.0.0.0:80\", \"pool\": \"p\", "
            + "\"timeouts\": { \"idle\": \"5 minutes ${X:-}\" } } ], " + pool + " }",
        "{ \"listeners\": [], \"pools\": [ { \"name\": \"p\", \"balance\": \"fastest\", "
            + "\"backends\": [ { \"address\": \"10.0.0.1:80\" } ] } ] }",
        "{ \"listeners\": [], \"pools\": [ { \"name\": \"p\", \"backends\": [ { \"address\": \"10.0.0.1:80\", \"weight\": 300 } ] } ] }",
        "{ \"listeners\": [], \"pools\": [ { \"name\": \"p\", \"backends\": [] } ] }",
        "{ \"listeners\": [], \"pools\": [ { \"name\": \"p\", \"backends\": [ { \"address\": \"10.0.0.1:80\", \"backup\": \"yes\" } ] } ] }",
        "{ \"listeners\": [ { \"name\": \"bad name!\", \"listen\": \"0.0.0.0:80\", \"pool\": \"p\" } ], " + pool + " }",
        withPool("\"health\": { \"type\": \"icmp\" }"),
        withPool("\"health\": { \"type\": \"tcp\", \"path\": \"/\" }"),
        withPool("\"health\": { \"type\": \"send-expect\" }"),
        withPool("\"health\": { \"type\": \"http\", \"expectStatus\": \"2xx\" }"),
        withPool("\"health\": { \"type\": \"tcp\", \"fall\": 0 }"),
        withPool("\"outlier\": { \"maxEjectionPercent\": 0 }"),
        withPool("\"outlier\": { \"consecutive\": 3 }"),
        "{ \"accessLog\": { \"format\": \"xml\" }, \"listeners\": [], \"pools\": [] }",
        "{ \"logging\": { \"level\": \"verbose\" }, \"listeners\": [], \"pools\": [] }",
        "{ \"logging\": { \"format\": \"plain\" }, \"listeners\": [], \"pools\": [] }",
        "{ \"listeners\": [ { \"name\": \"web\", \"listen\": \"0.0.0.0:80\", \"pool\": \"p\", \"responses\": 1 } ], "
            + pool + " }",
        withPool("\"health\": { \"type\": \"tcp\", \"protocol\": \"udp\" }"),
        "{ \"listeners\": [ { \"name\": \"web\", \"listen\": \"0.0.0.0:80\", \"pool\": \"p\", "
            + "\"limits\": { \"maxConnections\": -1 } } ], " + pool + " }",
        "{ \"listeners\": [ { \"name\": \"web\", \"listen\": \"0.0.0.0:443\", \"pool\": \"p\", "
            + "\"routes\": [ { \"serverName\": \"bad name\", \"pool\": \"p\" } ] } ], " + pool + " }",
        withPool("\"proxyProtocol\": \"v3\""),
        "{ \"listeners\": [], \"pools\": [ { \"name\": \"p\" } ] }",
        withPool("\"discover\": { \"name\": \"web.internal\" }"),
        withPool("\"discover\": { \"name\": \"web.internal\", \"port\": 0 }"),
        withPool("\"discover\": { \"srv\": \"_http._tcp.web.internal\", \"port\": 80 }"),
        withPool("\"discover\": { \"name\": \"web.internal\", \"srv\": \"_http._tcp.web.internal\", \"port\": 80 }"),
        withPool("\"discover\": { \"name\": \"10.0.0.1\", \"port\": 80 }"),
        withPool("\"discover\": { \"name\": \"web internal\", \"port\": 80 }"),
        "{ \"listeners\": [], \"pools\": [ { \"name\": \"p\", \"backends\": [], "
            + "\"discover\": { \"srv\": \"_http._tcp.web.internal\" } } ] }",
        "{ \"cluster\": { \"name\": \"edge\", \"members\": [], \"secret\": \"too short\" }, \"listeners\": [], \"pools\": [] }",
        "{ \"cluster\": { \"name\": \"edge\", \"members\": [], \"secret\": \"0123456789abcdef\", \"port\": 1 }, "
            + "\"listeners\": [], \"pools\": [] }",
        "{ \"cluster\": { \"name\": \"edge\", \"secret\": \"0123456789abcdef\", \"listen\": \"10.0.0.1\", "
            + "\"kubernetes\": { \"namespace\": \"prod\" } }, \"listeners\": [], \"pools\": [] }",
        "{ \"cluster\": { \"name\": \"edge\", \"secret\": \"0123456789abcdef\", \"listen\": \"10.0.0.1\", "
            + "\"kubernetes\": { \"service\": \"portfw\", \"dns\": \"portfw.prod.svc.cluster.local\" } }, "
            + "\"listeners\": [], \"pools\": [] }",
        withPool("\"source\": \"127.0.0.1:5000\""));
  }

  /** One pool with the given keys added. */
  private static String withPool(String keys) {
    return "{ \"listeners\": [], \"pools\": [ { \"name\": \"p\", " + keys
        + ", \"backends\": [ { \"address\": \"10.0.0.1:80\" } ] } ] }";
  }

  @ParameterizedTest
  @MethodSource("goodConfigs")
  void goodConfig_passesSchemaAndLoader(String json) throws Exception {
    OutputUnit result = schema.validate(new JsonObject(json));
    assertThat(result.getValid()).as("%s", result.getErrors()).isTrue();
    assertThat(ConfigLoader.parse(json, "good.json", name -> null).listeners()).hasSize(2);
  }

  @ParameterizedTest
  @MethodSource("badConfigs")
  void badConfig_isRefusedBySchemaAndLoader(String json) {
    assertThat(schema.validate(new JsonObject(json)).getValid()).as("schema accepts %s", json).isFalse();
    assertThatThrownBy(() -> ConfigLoader.parse(json, "bad.json", name -> null)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).errors()).as("one defect, one error").hasSize(1));
  }
}
