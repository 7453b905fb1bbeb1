package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.ClientHellos;
import io.portfw.testing.Clients;
import io.portfw.testing.Nft;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.TaggedBackend;
import io.portfw.testing.UdpEchoBackend;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portfw import}: rules written as operators have them (an rc script with variables, the
 * table {@code ipmasqadm portfw -ln} prints, an /etc/rinetd.conf with patterns) become a config
 * that {@code check} accepts, and traffic through it goes where the old rules sent it.
 */
class ImportIT {

  @TempDir
  Path dir;

  /** Imports {@code input}; returns the exit code, the report in {@code report[0]}. */
  private int importing(String kind, Path input, Path output, String[] report) throws Exception {
    try (PortfwProcess p = PortfwProcess.start("import", "--from", kind, input.toString(), "-o", output.toString())) {
      int code = p.exitCode();
      report[0] = p.stderr();
      return code;
    }
  }

  /** The imported config with an admin endpoint of its own (the default port may be taken here), then run. */
  private PortfwProcess run(Path imported) throws Exception {
    String json = Files.readString(imported).replaceFirst("\\{", "{ \"admin\": { \"listen\": \"127.0.0.1:"
        + Ports.free() + "\" },");
    Path config = Files.writeString(dir.resolve("run-" + imported.getFileName()), json);
    try (PortfwProcess check = PortfwProcess.start("check", "--config", imported.toString())) {
      assertThat(check.exitCode()).as("check of the imported config: %s", check.stderr()).isZero();
    }
    return PortfwProcess.start("run", "--no-watch", "--config", config.toString());
  }

  @Test
  void anIpmasqadmRcScript_isReplayed_andPrefsBecomeWeights() throws Exception {
    try (TaggedBackend a = new TaggedBackend("a"); TaggedBackend b = new TaggedBackend("b");
        TaggedBackend gone = new TaggedBackend("gone"); UdpEchoBackend udp = new UdpEchoBackend("u")) {
      int web = Ports.free();
      int deleted = Ports.free();
      int dns = Ports.free();
      Path script = Files.writeString(dir.resolve("rc.firewall"), """
          #!/bin/sh
          # Port forwarding, from the old gateway
          EXTIP=127.0.0.1
          IPMASQADM=/usr/sbin/ipmasqadm
          $IPMASQADM portfw -f
          # web: b takes three times as many clients as a
          ipmasqadm portfw -a -P tcp -L $EXTIP %d -R 127.0.0.1 %d -p 10
          ipmasqadm portfw -a -P tcp -L $EXTIP %d -R 127.0.0.1 %d -p 30
          /usr/sbin/ipmasqadm portfw -a -P tcp -L ${EXTIP} %d -R 127.0.0.1 %d
          /usr/sbin/ipmasqadm portfw -d -P tcp -L ${EXTIP} %d -R 127.0.0.1 %d
          ipmasqadm portfw -a -P udp -L $EXTIP %d -R 127.0.0.1 %d   # dns
          """.formatted(web, a.port(), web, b.port(), deleted, gone.port(), deleted, gone.port(), dns, udp.port()));
      Path out = dir.resolve("portfw.json");
      String[] report = new String[1];
      assertThat(importing("ipmasqadm", script, out, report)).as(report[0]).isZero();
      assertThat(report[0]).contains("rc.firewall:7: carried", "round robin, weight 1 (pref 10)",
          "rc.firewall:8: carried", "weight 3 (pref 30)", "rc.firewall:9: carried", "deleted again on line 10",
          "note: the backends see portfw's address", "6 rule(s): 6 carried, 0 approximated, 0 dropped");
      try (PortfwProcess portfw = run(out)) {
        portfw.awaitListening(web);
        Map<String, Integer> served = answers(web, 40);
        // Weights 1 and 3: a quarter of the clients to a (the readiness probe took one pick before these).
        assertThat(served.get("a")).isBetween(9, 11);
        assertThat(served.get("b")).isEqualTo(40 - served.get("a"));
        assertThat(Clients.accepts(deleted)).as("the rule deleted again").isFalse();
        assertThat(udpAnswer(dns)).isEqualTo("uhello");
      }
    }
  }

  @Test
  void theTableIpmasqadmPrints_isReadToo() throws Exception {
    try (TaggedBackend a = new TaggedBackend("a")) {
      int port = Ports.free();
      Path table = Files.writeString(dir.resolve("portfw-ln.txt"), """
          prot localaddr            rediraddr               lport    rport  pcnt  pref
          TCP  127.0.0.1            127.0.0.1              %5d    %5d     10    10
          """.formatted(port, a.port()));
      Path out = dir.resolve("from-table.json");
      String[] report = new String[1];
      assertThat(importing("ipmasqadm", table, out, report)).as(report[0]).isZero();
      try (PortfwProcess portfw = run(out)) {
        portfw.awaitListening(port);
        assertThat(Clients.answerOf(port)).isEqualTo("a");
      }
    }
  }

  @Test
  void aRinetdConf_keepsItsPatternsAsAcls_andReportsWhatItLeftOut() throws Exception {
    try (TaggedBackend a = new TaggedBackend("a"); UdpEchoBackend udp = new UdpEchoBackend("u")) {
      int web = Ports.free();
      int dns = Ports.free();
      Path log = dir.resolve("access.log");
      Path conf = Files.writeString(dir.resolve("rinetd.conf"), """
          # global: only the loopback network
          allow 127.0.0.*
          logfile %s
          pidlogfile /var/run/rinetd.pid

          127.0.0.1 %d 127.0.0.1 %d
          deny 127.0.0.2
          127.0.0.1 %d/udp 127.0.0.1 %d/udp [timeout=5]
          """.formatted(log, web, a.port(), dns, udp.port()));
      Path out = dir.resolve("rinetd.json");
      String[] report = new String[1];
      assertThat(importing("rinetd", conf, out, report)).as(report[0]).isEqualTo(3);
      assertThat(report[0]).contains("rinetd.conf:4: dropped", "run --pid-file", "rinetd.conf:6: carried",
          "\"allow\":[\"127.0.0.0/24\"],\"deny\":[\"127.0.0.2/32\"]");
      assertThat(Files.readString(out)).contains("\"sessionIdle\" : \"5s\"");
      try (PortfwProcess portfw = run(out)) {
        portfw.awaitListening(web);
        try (var s = Clients.from("127.0.0.3", web)) {
          assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip()).isEqualTo("a");
        }
        assertRefused("127.0.0.2", web);
        assertThat(udpAnswer(dns)).isEqualTo("uhello");
      }
      assertThat(Files.readString(log)).as("the access log went where rinetd's logfile did").isNotBlank();
    }
  }

  @Test
  void anHaproxyCfg_carriesWeightsAclsAndServerNameRoutes() throws Exception {
    try (TaggedBackend a = new TaggedBackend("a"); TaggedBackend b = new TaggedBackend("b");
        TaggedBackend api = new TaggedBackend("api"); TaggedBackend other = new TaggedBackend("other")) {
      int web = Ports.free();
      int tls = Ports.free();
      Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), """
          global
              maxconn 1000

          defaults
              mode tcp
              timeout connect 2s
              timeout client 30s
              timeout server 30s

          listen web
              bind 127.0.0.1:%d
              balance roundrobin
              tcp-request connection reject if { src 127.0.0.2 }
              server a 127.0.0.1:%d weight 3 check inter 1s
              server b 127.0.0.1:%d weight 1 check inter 1s

          frontend tls
              bind 127.0.0.1:%d
              tcp-request inspect-delay 5s
              tcp-request content accept if { req_ssl_hello_type 1 }
              use_backend api if { req.ssl_sni -i api.example.com }
              default_backend other

          backend api
              server api1 127.0.0.1:%d

          backend other
              server other1 127.0.0.1:%d

          frontend stats
              mode http
              bind 127.0.0.1:%d
          """.formatted(web, a.port(), b.port(), tls, api.port(), other.port(), Ports.free()));
      Path out = dir.resolve("haproxy.json");
      String[] report = new String[1];
      assertThat(importing("haproxy", cfg, out, report)).as(report[0]).isEqualTo(3);
      assertThat(report[0]).contains("haproxy.cfg:1: dropped: global", "haproxy.cfg:13: carried", "acl.deny",
          "haproxy.cfg:21: carried", "routes [api.example.com] -> pool api", "haproxy.cfg:30: dropped: frontend stats",
          "mode http");
      try (PortfwProcess portfw = run(out)) {
        portfw.awaitListening(web);
        portfw.awaitListening(tls);
        Map<String, Integer> served = answers(web, 40);
        // Weights 3 and 1: three quarters to a (the readiness probe took one pick before these).
        assertThat(served.get("a")).isBetween(29, 31);
        assertThat(served.get("b")).isEqualTo(40 - served.get("a"));
        assertRefused("127.0.0.2", web);
        assertThat(helloAnswer(tls, "api.example.com")).isEqualTo("api");
        assertThat(helloAnswer(tls, "www.example.com")).isEqualTo("other");
      }
    }
  }

  @Test
  void anNginxStreamBlock_carriesUpstreamsUdpAndAServerNameMap() throws Exception {
    try (TaggedBackend a = new TaggedBackend("a"); TaggedBackend b = new TaggedBackend("b");
        TaggedBackend down = new TaggedBackend("down"); TaggedBackend api = new TaggedBackend("api");
        UdpEchoBackend udp = new UdpEchoBackend("u")) {
      int web = Ports.free();
      int dns = Ports.free();
      int tls = Ports.free();
      Path conf = Files.writeString(dir.resolve("nginx.conf"), """
          worker_processes 1;
          events { worker_connections 64; }

          http {
              server { listen 127.0.0.1:%d; }
          }

          stream {
              proxy_connect_timeout 2s;

              upstream web {
                  server 127.0.0.1:%d weight=3;
                  server 127.0.0.1:%d;
                  server 127.0.0.1:%d down;
              }
              upstream dns { server 127.0.0.1:%d; }
              upstream api { server 127.0.0.1:%d; }

              map $ssl_preread_server_name $by_name {
                  api.example.com api;
                  default web;
              }

              server {
                  listen 127.0.0.1:%d;
                  proxy_pass web;
                  allow 127.0.0.1;
                  deny all;
              }
              server {
                  listen 127.0.0.1:%d udp;
                  proxy_pass dns;
                  proxy_responses 1;
                  proxy_timeout 10s;
              }
              server {
                  listen 127.0.0.1:%d;
                  ssl_preread on;
                  proxy_pass $by_name;
              }
          }
          """.formatted(Ports.free(), a.port(), b.port(), down.port(), udp.port(), api.port(), web, dns, tls));
      Path out = dir.resolve("nginx.json");
      String[] report = new String[1];
      assertThat(importing("nginx", conf, out, report)).as(report[0]).isEqualTo(3);
      assertThat(report[0]).contains("nginx.conf:4: dropped: http {", "an http block",
          "nginx.conf:14: approximated", "weight 0", "nginx.conf:27: carried", "acl {\"allow\":[\"127.0.0.1/32\"]}");
      try (PortfwProcess portfw = run(out)) {
        portfw.awaitListening(web);
        portfw.awaitListening(tls);
        Map<String, Integer> served = answers(web, 40);
        assertThat(served.get("a")).isBetween(29, 31);
        assertThat(served.get("b")).isEqualTo(40 - served.get("a"));
        assertThat(served).as("the down server takes no one").doesNotContainKey("down");
        assertRefused("127.0.0.2", web);
        assertThat(udpAnswer(dns)).isEqualTo("uhello");
        assertThat(helloAnswer(tls, "api.example.com")).isEqualTo("api");
        assertThat(helloAnswer(tls, "www.example.com")).isIn("a", "b");
      }
    }
  }

  private static void assertRefused(String from, int port) throws Exception {
    try (var s = Clients.from(from, port)) {
      assertThat(s.getInputStream().read()).as(from + " is denied: reset or closed unanswered").isLessThan(0);
    } catch (java.net.SocketException reset) {
      // refused with a reset, as portfw turns away a client its acl denies
    }
  }

  /** What a backend said to a TLS ClientHello naming {@code serverName} (the tagged backends speak no TLS). */
  private static String helloAnswer(int port, String serverName) throws Exception {
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(null, null, null);
    try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(ClientHellos.of(context, serverName));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    }
  }

  @Test
  void inputThatCannotBeRead_namesTheLineAndExits2_writingNothing() throws Exception {
    Path conf = Files.writeString(dir.resolve("broken.conf"), "# fine\n0.0.0.0 80 10.0.0.5\n");
    Path out = dir.resolve("never.json");
    String[] report = new String[1];
    assertThat(importing("rinetd", conf, out, report)).isEqualTo(2);
    assertThat(report[0]).contains("broken.conf:2: a rule is: bindaddress bindport connectaddress connectport");
    assertThat(out).doesNotExist();
    assertThat(importing("squid", conf, out, report)).isEqualTo(2);
    assertThat(report[0]).contains("--from: unknown kind squid (known: ", "haproxy", "ipmasqadm", "iptables", "nft",
        "nginx", "rinetd");
  }

  @Test
  void anIptablesSave_cascadesBecomeWeights_andChainsRangesAndAclsAreFollowed() throws Exception {
    try (TaggedBackend a = new TaggedBackend("a"); TaggedBackend b = new TaggedBackend("b");
        TaggedBackend m = new TaggedBackend("m"); UdpEchoBackend udp = new UdpEchoBackend("u")) {
      int web = Ports.free();
      int mail = Ports.free();
      int submission = Ports.free();
      int dns = Ports.free();
      Path save = Files.writeString(dir.resolve("iptables.rules"), """
          # Generated by iptables-save v1.8.9 (nf_tables) on Sun Dec  6 10:00:00 2026
          *filter
          :INPUT ACCEPT [0:0]
          :FORWARD DROP [0:0]
          :OUTPUT ACCEPT [0:0]
          -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
          COMMIT
          *nat
          :PREROUTING ACCEPT [120:7200]
          :INPUT ACCEPT [0:0]
          :OUTPUT ACCEPT [4:240]
          :POSTROUTING ACCEPT [4:240]
          :WEB - [0:0]
          -A PREROUTING -d 127.0.0.1/32 -p tcp -m tcp --dport %d -j WEB
          -A PREROUTING ! -s 127.0.0.2/32 -p tcp -m multiport --dports %d,%d -j DNAT --to-destination 127.0.0.1:%d
          -A PREROUTING -p udp -m udp --dport %d -j REDIRECT --to-ports %d
          -A WEB -m statistic --mode nth --every 4 --packet 0 -j DNAT --to-destination 127.0.0.1:%d
          -A WEB -j DNAT --to-destination 127.0.0.1:%d
          -A POSTROUTING -o eth0 -j MASQUERADE
          COMMIT
          """.formatted(web, mail, submission, m.port(), dns, udp.port(), a.port(), b.port()));
      Path out = dir.resolve("iptables.json");
      String[] report = new String[1];
      assertThat(importing("iptables", save, out, report)).as(report[0]).isEqualTo(3);
      assertThat(report[0]).contains("iptables.rules:6: dropped", "iptables.rules:14: carried", "chain WEB",
          "iptables.rules:17: carried", "weight 1", "iptables.rules:18: carried", "weight 3",
          "iptables.rules:19: dropped", "source NAT", "7 rule(s): 5 carried, 0 approximated, 2 dropped");
      try (PortfwProcess portfw = run(out)) {
        portfw.awaitListening(web);
        Map<String, Integer> served = answers(web, 40);
        // every 4th to a, the rest to b: round robin 1:3 (the readiness probe took one pick before these)
        assertThat(served.get("a")).as("%s", served).isBetween(9, 11);
        assertThat(served.get("b")).isEqualTo(40 - served.get("a"));
        assertThat(Clients.answerOf(mail)).isEqualTo("m");
        try (var s = Clients.from("127.0.0.3", submission)) {
          assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip()).isEqualTo("m");
        }
        assertRefused("127.0.0.2", submission);
        assertThat(udpAnswer(dns)).isEqualTo("uhello");
      }
    }
  }

  @Test
  void anNftJsonRuleset_numgenMapsBecomeWeights_jhashSourceHash_andPortMaps() throws Exception {
    try (TaggedBackend a = new TaggedBackend("a"); TaggedBackend b = new TaggedBackend("b");
        TaggedBackend c = new TaggedBackend("c"); TaggedBackend d = new TaggedBackend("d");
        TaggedBackend e = new TaggedBackend("e"); UdpEchoBackend udp = new UdpEchoBackend("u")) {
      int web = Ports.free();
      int mapped = Ports.free();
      int hashed = Ports.free();
      int dns = Ports.free();
      // nft -j list ruleset of: dnat ip addr . port to numgen inc mod 4 map { 0-2 : 127.0.0.1 . A, 3 : 127.0.0.1 . B },
      // dnat ip addr . port to tcp dport map { MAPPED : 127.0.0.1 . C }, jhash ip saddr mod 2, udp redirect
      Path json = Files.writeString(dir.resolve("ruleset.json"), """
          {"nftables": [
          {"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
          {"table": {"family": "ip", "name": "nat", "handle": 1}},
          {"chain": {"family": "ip", "table": "nat", "name": "prerouting", "handle": 1, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}},
          {"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 2, "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "127.0.0.1"}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": %d}},
            {"dnat": {"family": "ip", "addr": {"map": {"key": {"numgen": {"mode": "inc", "mod": 4, "offset": 0}}, "data": {"set": [[{"range": [0, 2]}, {"concat": ["127.0.0.1", %d]}], [3, {"concat": ["127.0.0.1", %d]}]]}}}, "type_flags": ["concat"]}}]}},
          {"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 3, "expr": [
            {"dnat": {"family": "ip", "addr": {"map": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": {"set": [[%d, {"concat": ["127.0.0.1", %d]}]]}}}, "type_flags": ["concat"]}}]}},
          {"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 4, "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": %d}},
            {"counter": {"packets": 0, "bytes": 0}},
            {"dnat": {"family": "ip", "addr": {"map": {"key": {"jhash": {"mod": 2, "seed": 0, "expr": {"payload": {"protocol": "ip", "field": "saddr"}}}}, "data": {"set": [[0, {"concat": ["127.0.0.1", %d]}], [1, {"concat": ["127.0.0.1", %d]}]]}}}, "type_flags": ["concat"]}}]}},
          {"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 5, "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": %d}},
            {"redirect": {"port": %d}}]}}
          ]}
          """.formatted(web, a.port(), b.port(), mapped, c.port(), hashed, d.port(), e.port(), dns, udp.port()));
      Nft.requireInstalled();
      assertThat(Nft.checkJson(json)).as("nft -j -c accepts the ruleset").isEmpty();
      Path out = dir.resolve("nft.json");
      String[] report = new String[1];
      assertThat(importing("nft", json, out, report)).as(report[0]).isZero();
      assertThat(report[0]).contains("ruleset.json:5: carried: ip nat prerouting: ip daddr 127.0.0.1 tcp dport " + web,
          "weight 3", "source hash", "4 rule(s): 4 carried");
      try (PortfwProcess portfw = run(out)) {
        portfw.awaitListening(web);
        Map<String, Integer> served = answers(web, 40);
        // three numgen values of four to a: round robin 3:1 (the readiness probe took one pick before these)
        assertThat(served.get("b")).as("%s", served).isBetween(9, 11);
        assertThat(served.get("a")).isEqualTo(40 - served.get("b"));
        assertThat(Clients.answerOf(mapped)).isEqualTo("c");
        String first = Clients.answerOf(hashed);
        assertThat(first).isIn("d", "e");
        for (int i = 0; i < 10; i++) {
          assertThat(Clients.answerOf(hashed)).as("one client address, one backend").isEqualTo(first);
        }
        assertThat(udpAnswer(dns)).isEqualTo("uhello");
      }
    }
  }

  /** Who answered each of {@code count} connections to {@code port}, counted by name. */
  private static Map<String, Integer> answers(int port, int count) throws Exception {
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < count; i++) {
      served.merge(Clients.answerOf(port), 1, Integer::sum);
    }
    return served;
  }

  private static String udpAnswer(int port) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(5_000);
      byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(hello, hello.length, InetAddress.getLoopbackAddress(), port));
      DatagramPacket reply = new DatagramPacket(new byte[256], 256);
      socket.receive(reply);
      return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
    }
  }
}
