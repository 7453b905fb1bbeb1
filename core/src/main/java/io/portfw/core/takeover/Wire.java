package io.portfw.core.takeover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.portfw.config.Protocol;
import io.portfw.core.listener.SocketInheritance;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The take-over conversation, one JSON object per line, with the listening sockets' descriptors
 * passed between two of its lines (SCM_RIGHTS, one per message):
 *
 * <pre>
 * new → running: {"type":"hello","pid":N}
 * running → new: {"type":"state","pid":N,"sockets":[{"protocol":"tcp","address":"…","port":N},…],"state":{…}}
 *                or {"type":"refused","reason":"…"}
 * new → running: {"type":"send-sockets"}      (its reads now take descriptors)
 * running → new: one descriptor per socket listed, in order
 * new → running: {"type":"accepting"}         (it has started, on those sockets)
 * running → new: {"type":"stopped"}           (it reads from none of them any more; it drains and exits)
 * </pre>
 */
final class Wire {

  static final String HELLO = "hello";
  static final String STATE = "state";
  static final String REFUSED = "refused";
  static final String SEND_SOCKETS = "send-sockets";
  static final String ACCEPTING = "accepting";
  static final String STOPPED = "stopped";

  /** Sticky tables can be large: the state line may be too. */
  private static final int MAX_LINE = 256 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Wire() {}

  static void frame(ChannelPipeline pipeline) {
    pipeline.addLast(new LineBasedFrameDecoder(MAX_LINE));
  }

  static ObjectNode message(String type) {
    return JSON.createObjectNode().put("type", type);
  }

  static ByteBuf line(ObjectNode message) {
    try {
      byte[] bytes = JSON.writeValueAsBytes(message);
      return Unpooled.wrappedBuffer(bytes, new byte[] {'\n'});
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a take-over message", e);
    }
  }

  static JsonNode read(ByteBuf line) throws IOException {
    try (ByteBufInputStream in = new ByteBufInputStream(line)) {
      JsonNode node = JSON.readTree((java.io.InputStream) in);
      if (node == null || !node.isObject() || !node.path("type").isTextual()) {
        throw new IOException("not a take-over message");
      }
      return node;
    }
  }

  static ArrayNode places(List<SocketInheritance.Handed> sockets) {
    ArrayNode out = JSON.createArrayNode();
    sockets.forEach(s -> out.addObject().put("protocol", s.place().protocol().name().toLowerCase(Locale.ROOT))
        .put("address", s.place().address().getHostAddress()).put("port", s.place().port()));
    return out;
  }

  static List<SocketInheritance.Place> places(JsonNode sockets) throws IOException {
    List<SocketInheritance.Place> out = new ArrayList<>();
    for (JsonNode s : sockets) {
      String address = s.path("address").asText();
      if (!address.matches("[0-9a-fA-F.:]+(%[\\w.-]+)?")) { // written by getHostAddress: a literal, never a name to look up
        throw new IOException("not an address: " + address);
      }
      out.add(new SocketInheritance.Place(Protocol.valueOf(s.path("protocol").asText().toUpperCase(Locale.ROOT)),
          InetAddress.getByName(address), s.path("port").asInt()));
    }
    return out;
  }
}
