package io.portfw.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A client of a unix stream socket running as another user (nobody, uid 65534, through
 * {@code setpriv}): a small Java program, so that nothing beyond the JDK and util-linux is needed.
 */
public final class OtherUser {

  private static final String CLIENT = """
      import java.net.UnixDomainSocketAddress;
      import java.nio.ByteBuffer;
      import java.nio.channels.SocketChannel;
      import java.nio.charset.StandardCharsets;

      class Client {
        public static void main(String[] args) throws Exception {
          try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(args[0]))) {
            ch.write(ByteBuffer.wrap(args[1].getBytes(StandardCharsets.UTF_8)));
            ByteBuffer in = ByteBuffer.allocate(65536);
            while (ch.read(in) >= 0 && in.hasRemaining()) {
            }
            System.out.print(new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
          }
        }
      }
      """;

  private OtherUser() {}

  /** Sends {@code line} to the socket as nobody and returns everything it answered until it closed. */
  public static String exchange(Path socket, String line) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("portfw-other-user");
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path source = Files.writeString(dir.resolve("Client.java"), CLIENT);
      Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          java.toString(), source.toString(), socket.toString(), line)
          .redirectErrorStream(true).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the client as nobody did not finish within 60 s");
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }
}
