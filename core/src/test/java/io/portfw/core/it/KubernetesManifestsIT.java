package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portfw.config.ConfigLoader;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.testing.PortfwProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * deploy/kubernetes rendered by {@code kubectl kustomize}, both variants, and read as a cluster
 * would: the selectors find the pods, the probes ask the admin port the config names, the config
 * is a mounted directory the kubelet can update, the grace period outlasts every drain, the pod
 * runs unprivileged with only the writable places portfw needs, and the shipped config passes
 * {@code portfw check} with the environment the manifest gives.
 */
class KubernetesManifestsIT {

  private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern ENV_REFERENCE = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"deploy/kubernetes, Deployment", "deploy/kubernetes/daemonset, DaemonSet"})
  void renderedManifests_holdTogether(String dir, String workloadKind) throws Exception {
    Map<String, List<JsonNode>> byKind = render(ROOT.resolve(dir));
    assertThat(byKind.keySet()).as("kinds rendered from " + dir)
        .containsExactlyInAnyOrder(workloadKind, "Service", "PodDisruptionBudget", "ConfigMap");
    assertThat(byKind.get(workloadKind)).hasSize(1);
    JsonNode workload = byKind.get(workloadKind).get(0);
    JsonNode pod = workload.at("/spec/template/spec");
    JsonNode podLabels = workload.at("/spec/template/metadata/labels");

    // Labels: every selector finds the pods.
    assertSelects(workload.at("/spec/selector/matchLabels"), podLabels, workloadKind);
    JsonNode service = only(byKind, "Service");
    assertSelects(service.at("/spec/selector"), podLabels, "Service");
    assertSelects(only(byKind, "PodDisruptionBudget").at("/spec/selector/matchLabels"), podLabels, "PodDisruptionBudget");
    assertThat(service.at("/spec/type").asText()).isEqualTo("LoadBalancer");
    assertThat(service.at("/spec/externalTrafficPolicy").asText()).isEqualTo("Local");
    if (workloadKind.equals("DaemonSet")) {
      assertThat(pod.at("/hostNetwork").asBoolean()).as("bare metal: on the node's network").isTrue();
      assertThat(pod.at("/dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
    }

    assertThat(pod.at("/containers")).hasSize(1);
    JsonNode container = pod.at("/containers/0");
    Map<String, Integer> containerPorts = new HashMap<>();
    container.at("/ports").forEach(p -> containerPorts.put(p.at("/name").asText(), p.at("/containerPort").asInt()));
    service.at("/spec/ports").forEach(p -> assertThat(portOf(p.at("/targetPort"), containerPorts))
        .as("Service port %s reaches a container port", p.at("/name").asText()).isIn(containerPorts.values()));

    // The config: a ConfigMap mounted as a directory at /etc/portfw, never through subPath.
    JsonNode configMount = find(container.at("/volumeMounts"), "mountPath", "/etc/portfw");
    assertThat(configMount).as("a mount at /etc/portfw").isNotNull();
    container.at("/volumeMounts").forEach(m -> assertThat(m.has("subPath") || m.has("subPathExpr"))
        .as("mount %s uses subPath (the kubelet never updates such a file)", m.at("/mountPath").asText()).isFalse());
    JsonNode configVolume = find(pod.at("/volumes"), "name", configMount.at("/name").asText());
    String configMapName = configVolume.at("/configMap/name").asText();
    JsonNode configMap = byKind.get("ConfigMap").stream().filter(c -> c.at("/metadata/name").asText().equals(configMapName))
        .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + configMapName + " is rendered"));
    assertThat(configVolume.at("/configMap/items").isMissingNode()).as("the whole ConfigMap, every key a file").isTrue();
    String json = configMap.at("/data/portfw.json").asText();
    assertThat(json).as("portfw.json in the ConfigMap").isNotBlank();

    // The environment the manifest gives: literal values as written, a Secret's as a stand-in of the right shape.
    Map<String, String> env = new HashMap<>();
    container.at("/env").forEach(e -> env.put(e.at("/name").asText(), e.has("value") ? e.at("/value").asText()
        : "stand-in-for-" + e.at("/valueFrom/secretKeyRef/name").asText() + "-0123456789"));
    Matcher refs = ENV_REFERENCE.matcher(json);
    while (refs.find()) {
      assertThat(env).as("${%s} in portfw.json is set by the container's env", refs.group(1)).containsKey(refs.group(1));
    }
    container.at("/env").forEach(e -> {
      if (!e.has("value")) {
        assertThat(e.at("/valueFrom/secretKeyRef/name").asText()).as("env %s comes from a Secret", e.at("/name").asText())
            .isNotBlank();
      }
    });
    PortfwConfig config = ConfigLoader.parse(json, "ConfigMap " + configMapName, env::get, Path.of("/etc/portfw"));
    assertThat(config.admin().token()).as("a non-loopback admin endpoint has a token").isPresent();

    // Probes: /healthz on the admin port of the config.
    int adminPort = config.admin().listen().firstPort();
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      JsonNode get = container.at("/" + probe + "/httpGet");
      assertThat(get.at("/path").asText()).as(probe).isEqualTo("/healthz");
      assertThat(portOf(get.at("/port"), containerPorts)).as(probe + " port").isEqualTo(adminPort);
    }
    assertThat(config.admin().listen().host()).as("the kubelet probes the pod's address").isEqualTo("0.0.0.0");
    config.listeners().forEach(l -> assertThat(containerPorts.values()).as("listener %s's port is declared", l.name())
        .contains(l.listen().firstPort()));

    // Grace: the preStop pause plus the longest drain fits in the grace period.
    long longestDrain = config.listeners().stream().mapToLong(l -> l.timeouts().drain().toSeconds()).max().orElse(0);
    long preStop = container.at("/lifecycle/preStop/sleep/seconds").asLong(0);
    assertThat(pod.at("/terminationGracePeriodSeconds").asLong())
        .as("grace period against preStop %ds + longest drain %ds", preStop, longestDrain)
        .isGreaterThan(preStop + longestDrain);

    // Unprivileged, read-only, only NET_BIND_SERVICE.
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
    JsonNode security = container.at("/securityContext");
    assertThat(security.at("/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(security.at("/allowPrivilegeEscalation").isBoolean() && !security.at("/allowPrivilegeEscalation").asBoolean())
        .as("allowPrivilegeEscalation: false").isTrue();
    assertThat(texts(security.at("/capabilities/drop"))).containsExactly("ALL");
    assertThat(texts(security.at("/capabilities/add"))).containsExactly("NET_BIND_SERVICE");
    for (String resource : List.of("/resources/requests/cpu", "/resources/requests/memory", "/resources/limits/memory")) {
      assertThat(container.at(resource).asText()).as(resource).isNotBlank();
    }

    // Writable places on a read-only root: the state directory and /tmp are emptyDirs.
    Path stateDir = Path.of(config.stateDir().orElseThrow(() -> new AssertionError("stateDir must be set: "
        + "beside the config it would be in the read-only ConfigMap volume")));
    for (Path writable : List.of(stateDir, Path.of("/tmp"))) {
      JsonNode mount = StreamSupport.stream(container.at("/volumeMounts").spliterator(), false)
          .filter(m -> writable.startsWith(m.at("/mountPath").asText()))
          .findFirst().orElseThrow(() -> new AssertionError(writable + " is on no mounted volume"));
      assertThat(mount.at("/readOnly").asBoolean()).as(writable + " writable").isFalse();
      assertThat(find(pod.at("/volumes"), "name", mount.at("/name").asText()).has("emptyDir"))
          .as(writable + " on an emptyDir").isTrue();
    }

    // The shipped config passes the packaged jar's check with that environment.
    Path file = Files.writeString(tmp.resolve("portfw.json"), json, StandardCharsets.UTF_8);
    try (PortfwProcess check = PortfwProcess.startWith(env, List.of(), "check", "--config", file.toString())) {
      assertThat(check.exitCode()).as("portfw check: " + check.stdout() + check.stderr()).isZero();
      assertThat(check.stdout()).contains("valid");
    }
    for (ListenerConfig listener : config.listeners()) {
      assertThat(listener.listen().firstPort()).as("non-root: %s listens above 1023", listener.name())
          .isGreaterThan(1023);
    }
  }

  private Map<String, List<JsonNode>> render(Path dir) throws IOException, InterruptedException {
    boolean required = System.getenv("PORTFW_REQUIRE_TOOLS") != null;
    if (required) {
      assertThat(KUBECTL).as("CI needs Debian's kubectl (apt-get install kubectl)").exists();
    } else {
      assumeTrue(Files.isExecutable(KUBECTL), "no /usr/bin/kubectl: install Debian's kubectl to run this test");
    }
    Path out = tmp.resolve("rendered.yaml");
    Path err = tmp.resolve("kubectl.err");
    Process kubectl = new ProcessBuilder(KUBECTL.toString(), "kustomize", dir.toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!kubectl.waitFor(60, TimeUnit.SECONDS)) {
      kubectl.destroyForcibly();
      throw new AssertionError("kubectl kustomize " + dir + " did not finish in 60 s");
    }
    assertThat(kubectl.exitValue()).as("kubectl kustomize " + dir + ": " + Files.readString(err)).isZero();
    Map<String, List<JsonNode>> byKind = new HashMap<>();
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          byKind.computeIfAbsent(doc.at("/kind").asText(), k -> new ArrayList<>()).add(doc);
        }
      }
    }
    return byKind;
  }

  private static JsonNode only(Map<String, List<JsonNode>> byKind, String kind) {
    assertThat(byKind.get(kind)).as(kind).hasSize(1);
    return byKind.get(kind).get(0);
  }

  /** A selector that is not empty and whose every label the pod template carries. */
  private static void assertSelects(JsonNode selector, JsonNode podLabels, String what) {
    assertThat(selector.isObject() && selector.size() > 0).as(what + " has a selector").isTrue();
    selector.fields().forEachRemaining(e -> assertThat(podLabels.at("/" + e.getKey().replace("~", "~0")
        .replace("/", "~1")).asText()).as(what + " selects " + e.getKey()).isEqualTo(e.getValue().asText()));
  }

  /** A port given as a number, or as the name of a container port. */
  private static int portOf(JsonNode port, Map<String, Integer> containerPorts) {
    if (port.isInt()) {
      return port.asInt();
    }
    Integer named = containerPorts.get(port.asText());
    assertThat(named).as("container port named " + port.asText()).isNotNull();
    return named;
  }

  private static JsonNode find(JsonNode list, String field, String value) {
    for (JsonNode item : list) {
      if (item.at("/" + field).asText().equals(value)) {
        return item;
      }
    }
    return null;
  }

  private static List<String> texts(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }
}
