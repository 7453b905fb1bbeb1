package io.portfw.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.Pool;
import io.portfw.balancing.Pools;
import io.portfw.config.ConfigLoader;
import io.portfw.config.PortfwConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ForwardingTableTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void render_classicExample_isTheTableTheReadmeShows() throws Exception {
    PortfwConfig config = ConfigLoader.load(ROOT.resolve("docs/examples/classic.json"));
    Map<String, Pool> pools = config.pools().stream().collect(Collectors.toMap(p -> p.name(), Pools::fromConfig));

    String table = ForwardingTable.render(config, pools::get);

    assertThat(table.lines()).first().asString().startsWith("prot  local");
    assertThat(Files.readString(ROOT.resolve("README.md"))).contains(table);
  }

  @Test
  void render_showsBackupsAndLiveActiveCounts() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "listeners": [ { "name": "web", "listen": "0.0.0.0:8080", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [
            { "address": "10.0.0.11:80", "weight": 10 }, { "address": "10.0.0.13:80", "backup": true } ] } ] }
        """, "test");
    Pool web = Pools.fromConfig(config.pools().get(0));
    web.backends().get(0).tryAcquire();
    Function<String, Pool> pools = name -> web;

    assertThat(ForwardingTable.render(config, pools)).isEqualTo("""
        prot  local         remote                 weight  active  listener  pool
        TCP   0.0.0.0:8080  10.0.0.11:80               10       1  web       web
        TCP   0.0.0.0:8080  10.0.0.13:80 (backup)       1       0  web       web
        """);
  }
}
