package io.portfw.core;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rooms of core and the modules point one way (docs/design/architecture.md): each room
 * uses only the rooms below it, and no module reaches into one above it.
 */
class CoreArchitectureTest {

  /** What each room of core may use besides itself; anything outside core is not limited here. */
  private static final Map<String, List<String>> MAY_USE = Map.ofEntries(
      Map.entry("observe", List.of()),
      Map.entry("tls", List.of()),
      Map.entry("listener", List.of("filter", "observe", "tls")),
      Map.entry("filter", List.of("observe", "tls")),
      Map.entry("upstream", List.of("listener", "observe", "tls")),
      Map.entry("relay", List.of("observe")),
      Map.entry("tcp", List.of("listener", "filter", "upstream", "relay", "observe", "tls")),
      Map.entry("udp", List.of("listener", "filter", "upstream", "observe")),
      Map.entry("runtime", List.of("tcp", "udp", "listener", "upstream", "observe", "tls", "cluster")),
      Map.entry("cluster", List.of("listener", "filter", "observe")),
      Map.entry("admin", List.of("runtime", "listener", "observe", "tls", "cluster")),
      Map.entry("takeover", List.of("runtime", "listener", "observe")),
      Map.entry("importing", List.of()),
      Map.entry("cli", List.of("admin", "takeover", "importing", "runtime", "tcp", "udp", "relay", "upstream", "filter",
          "listener", "observe", "tls", "cluster")));

  private static JavaClasses product;

  @BeforeAll
  static void importClasses() {
    product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.portfw");
  }

  static List<String> rooms() {
    return new ArrayList<>(MAY_USE.keySet());
  }

  @Test
  void everyClassOfCoreLivesInARoom() {
    classes().that().resideInAPackage("io.portfw.core..")
        .should().resideInAnyPackage(MAY_USE.keySet().stream().map(r -> "io.portfw.core." + r).toArray(String[]::new))
        .check(product);
  }

  @ParameterizedTest
  @MethodSource("rooms")
  void aRoomUsesOnlyTheRoomsBelowIt(String room) {
    List<String> allowed = new ArrayList<>();
    allowed.add("io.portfw.core." + room);
    MAY_USE.get(room).forEach(r -> allowed.add("io.portfw.core." + r));
    classes().that().resideInAPackage("io.portfw.core." + room)
        .should().onlyDependOnClassesThat(not(resideInAnyPackage("io.portfw.core..")).or(
            resideInAnyPackage(allowed.toArray(String[]::new))))
        .check(product);
  }

  @Test
  void theRelayKnowsNoPoolOrBalancer() {
    noClasses().that().resideInAPackage("io.portfw.core.relay")
        .should().dependOnClassesThat().resideInAnyPackage("io.portfw.balancing..", "io.portfw.health..")
        .check(product);
  }

  @Test
  void modulesPointOneWay() {
    noClasses().that().resideInAPackage("io.portfw.config..")
        .should().dependOnClassesThat().resideInAnyPackage("io.portfw.balancing..", "io.portfw.health..", "io.portfw.core..")
        .check(product);
    noClasses().that().resideInAPackage("io.portfw.balancing..")
        .should().dependOnClassesThat().resideInAnyPackage("io.portfw.health..", "io.portfw.core..")
        .check(product);
    noClasses().that().resideInAPackage("io.portfw.health..")
        .should().dependOnClassesThat().resideInAPackage("io.portfw.core..")
        .check(product);
  }
}
