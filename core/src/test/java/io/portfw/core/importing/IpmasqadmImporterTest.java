package io.portfw.core.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpmasqadmImporterTest {

  private static ImportReport read(String... lines) throws ImportException {
    ImportReport report = new ImportReport();
    new IpmasqadmImporter().read(List.of(lines), new ConfigDraft(), report);
    return report;
  }

  @Test
  void prefsBecomeWeightsInTheSameProportion() {
    assertThat(IpmasqadmImporter.weights(new int[] {10, 30})).containsExactly(1, 3);
    assertThat(IpmasqadmImporter.weights(new int[] {10, 10, 10})).containsExactly(1, 1, 1);
    assertThat(IpmasqadmImporter.weights(new int[] {7})).containsExactly(1);
    assertThat(IpmasqadmImporter.weights(new int[] {1000, 1})).containsExactly(256, 1);
  }

  @Test
  void prefsThatDoNotFitWeights_areReportedAsApproximated() throws ImportException {
    ImportReport report = read("ipmasqadm portfw -a -P tcp -L 192.0.2.1 80 -R 10.0.0.1 80 -p 1000",
        "ipmasqadm portfw -a -P tcp -L 192.0.2.1 80 -R 10.0.0.2 80 -p 3");
    assertThat(report.complete()).isFalse();
    assertThat(report.entries()).allMatch(e -> e.outcome() == ImportReport.Outcome.APPROXIMATED);
  }

  @Test
  void malformedRules_namesTheLineAndWhy() {
    assertThatThrownBy(() -> read("# rc.firewall", "ipmasqadm portfw -a -P tcp -L 192.0.2.1 -R 10.0.0.1 80"))
        .isInstanceOf(ImportException.class).hasMessage("-L is missing its value")
        .extracting(e -> ((ImportException) e).line()).isEqualTo(2);
    assertThatThrownBy(() -> read("ipmasqadm portfw -a -P icmp -L 192.0.2.1 1 -R 10.0.0.1 1"))
        .hasMessageContaining("the protocol must be tcp or udp, not icmp");
    assertThatThrownBy(() -> read("echo nothing here")).hasMessageContaining("no ipmasqadm portfw rule");
  }

  @Test
  void aRuleWithAVariableTheFileDoesNotSet_isDropped() throws ImportException {
    ImportReport report = read("EXT=192.0.2.1", "ipmasqadm portfw -a -P tcp -L $EXT 80 -R $WEB 80",
        "ipmasqadm portfw -a -P tcp -L $EXT 22 -R 10.0.0.9 22");
    assertThat(report.entries()).anySatisfy(e -> {
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
      assertThat(e.why()).contains("$WEB");
    });
  }
}
