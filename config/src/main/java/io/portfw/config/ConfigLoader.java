package io.portfw.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a JSON config file into a {@link PortfwConfig}, or fails with every error found,
 * each with its JSON path. Pure: reading a config changes nothing that runs. This class holds
 * the entry points (the file, the JSON, the {@code ${NAME}} substitution, the errors); each
 * section of the document is read by its own class, starting from {@link ConfigDocument}.
 */
public final class ConfigLoader {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private ConfigLoader() {}

  public static PortfwConfig load(Path file) throws ConfigException {
    return load(file, System::getenv);
  }

  /** As {@link #load(Path)}, with {@code ${NAME}} references resolved by {@code env}. */
  public static PortfwConfig load(Path file, Function<String, String> env) throws ConfigException {
    requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), List.of(new ConfigError("(file)", "no such file")));
    } catch (AccessDeniedException e) {
      throw new ConfigException(file.toString(), List.of(new ConfigError("(file)",
          "cannot read: permission denied (portfw runs as " + System.getProperty("user.name") + ")")));
    } catch (IOException e) {
      String why = Files.isDirectory(file) ? "it is a directory, not a file" : ConfigText.describe(e);
      throw new ConfigException(file.toString(), List.of(new ConfigError("(file)", "cannot read: " + why)));
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(ConfigText.decode(bytes, file.toString()), file.toString(), env, base);
  }

  /**
   * One backend object ({@code {"address": "10.0.0.2:80", "weight": 3}}) with the rules of a
   * pool's backends, e.g. for one added at runtime; errors name {@code source}'s keys.
   */
  public static BackendConfig parseBackend(String json, String source) throws ConfigException {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ConfigException(source, List.of(new ConfigError("(json)", "invalid JSON: " + JsonSyntax.describe(e))));
    }
    Problems problems = new Problems();
    if (node == null || !node.isObject()) {
      throw new ConfigException(source, List.of(new ConfigError("(json)", "must be an object such as "
          + "{\"address\": \"10.0.0.2:80\", \"weight\": 1}")));
    }
    AddressParser addresses = new AddressParser(problems);
    PoolSection pools = new PoolSection(problems, addresses, new CrossChecks(problems), List.of(), Path.of(""));
    Optional<BackendConfig> backend = pools.backend(new JsonObjectReader(node, "", problems));
    if (!problems.isEmpty() || backend.isEmpty()) {
      throw new ConfigException(source, problems.list());
    }
    return backend.get();
  }

  /** Parses config text; {@code source} names it in the error message. */
  public static PortfwConfig parse(String json, String source) throws ConfigException {
    return parse(json, source, System::getenv);
  }

  /** As {@link #parse(String, String)}, with {@code ${NAME}} references resolved by {@code env}. */
  public static PortfwConfig parse(String json, String source, Function<String, String> env) throws ConfigException {
    return parse(json, source, env, Path.of("").toAbsolutePath());
  }

  /** As {@link #parse(String, String, Function)}, with relative file names (certificates) taken from {@code base}. */
  public static PortfwConfig parse(String json, String source, Function<String, String> env, Path base)
      throws ConfigException {
    requireNonNull(json, "json");
    requireNonNull(source, "source");
    requireNonNull(env, "env");
    JsonNode root;
    try (JsonParser parser = JSON.createParser(json)) {
      try {
        root = JSON.readTree(parser);
      } catch (JsonProcessingException e) {
        // A limit (depth, length) is reported without a place: the parser's own position is where it stopped.
        JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        String where = at == null ? "(json)" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
        throw new ConfigException(source, List.of(new ConfigError(where, "invalid JSON: " + JsonSyntax.describe(e))));
      }
    } catch (IOException e) { // a String source has no I/O to fail: only the parser's own errors above
      throw new ConfigException(source, List.of(new ConfigError("(json)", "cannot read: " + ConfigText.describe(e))));
    }
    if (root == null || root.isMissingNode()) {
      throw new ConfigException(source, List.of(new ConfigError("(json)", "the file is empty")));
    }
    Problems problems = new Problems();
    new EnvSubstitution(env, problems).apply(root, "");
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems.list()); // values with holes would only add follow-on errors
    }
    PortfwConfig config = ConfigDocument.read(root, problems, base);
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems.list());
    }
    return config;
  }
}
