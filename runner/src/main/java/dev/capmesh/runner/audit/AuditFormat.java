package dev.capmesh.runner.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capmesh.runner.observe.BindingUse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The audit log's line format and hash chain, shared by the writer, the verifier and the
 * reader. A line is one JSON object ending in {@code ,"hash":"<64 hex>"}}; the hash is the
 * SHA-256 of the line with that member removed (the object closed right after {@code prev}),
 * and {@code prev} is the previous line's hash ({@link #GENESIS} for the first line of a log).
 * Changing any byte of a line changes its hash, which the next line's {@code prev} no longer
 * matches.
 */
final class AuditFormat {
  /** The {@code prev} of the first line of a log. */
  static final String GENESIS = "0".repeat(64);
  /** What a line ends with after its content: {@code ,"hash":"} + 64 hex digits + {@code "}}. */
  private static final String HASH_MEMBER = ",\"hash\":\"";
  private static final int TAIL = HASH_MEMBER.length() + 64 + 2;
  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AuditFormat() {}

  /** The line's fields in order, before {@code prev} and {@code hash}. */
  interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  /** A line to write: a binding use, or an event of the log itself. */
  sealed interface Entry permits Use, Event {}

  /** A binding use's line. */
  record Use(BindingUse use) implements Entry {}

  /**
   * A line about the log itself: {@code file} (first line of each file), {@code open},
   * {@code reopen}, {@code dropped}, {@code unwritable}, {@code close}. Its fields may change
   * until it is written (an outage's end); writer thread only.
   */
  static final class Event implements Entry {
    final Instant time;
    final String name;
    final Map<String, Object> fields = new LinkedHashMap<>();

    Event(Instant time, String name) {
      this.time = time;
      this.name = name;
    }

    Event field(String key, Object value) {
      fields.put(key, value);
      return this;
    }
  }

  /**
   * Formats lines; one per thread (it reuses its buffer and digest). Not thread-safe.
   */
  static final class Writer {
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(512);
    private final MessageDigest sha256 = sha256();

    /** The line of {@code e}; its target redacted by {@code redact}. */
    byte[] line(Entry e, long seq, String prev, String runner, UnaryOperator<String> redact,
        String[] hashOut) {
      return switch (e) {
        case Use(BindingUse u) -> line(u.time(), seq, g -> {
          g.writeStringField("requestId", u.requestId());
          g.writeStringField("runner", runner);
          g.writeStringField("worker", u.worker());
          g.writeStringField("binding", u.binding());
          g.writeStringField("kind", u.kind());
          g.writeStringField("op", u.operation());
          g.writeStringField("target", u.target() == null ? null : redact.apply(u.target()));
          g.writeStringField("outcome", u.outcome().name());
          g.writeNumberField("bytesIn", u.bytesIn());
          g.writeNumberField("bytesOut", u.bytesOut());
          g.writeNumberField("durationUs", u.durationNanos() / 1000);
        }, prev, hashOut);
        case Event ev -> line(ev.time, seq, g -> {
          g.writeStringField("runner", runner);
          g.writeStringField("event", ev.name);
          for (var f : ev.fields.entrySet()) {
            switch (f.getValue()) {
              case Long l -> g.writeNumberField(f.getKey(), l);
              case Integer i -> g.writeNumberField(f.getKey(), i);
              case Boolean b -> g.writeBooleanField(f.getKey(), b);
              default -> g.writeStringField(f.getKey(), String.valueOf(f.getValue()));
            }
          }
        }, prev, hashOut);
      };
    }

    /**
     * The line (with its newline) holding {@code time}, {@code seq}, the fields, {@code prev}
     * and {@code hash}; {@code hashOut[0]} receives the line's hash.
     */
    byte[] line(Instant time, long seq, Fields fields, String prev, String[] hashOut) {
      buffer.reset();
      try (JsonGenerator g = JSON.createGenerator(buffer)) {
        g.writeStartObject();
        g.writeStringField("time", time(time));
        g.writeNumberField("seq", seq);
        fields.write(g);
        g.writeStringField("prev", prev);
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a byte buffer does not fail
      }
      byte[] content = buffer.toByteArray();
      String hash = HexFormat.of().formatHex(sha256.digest(content));
      hashOut[0] = hash;
      byte[] tail = (HASH_MEMBER + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII);
      byte[] line = new byte[content.length - 1 + tail.length];
      System.arraycopy(content, 0, line, 0, content.length - 1);
      System.arraycopy(tail, 0, line, content.length - 1, tail.length);
      return line;
    }
  }

  /** ISO-8601 in UTC with microseconds at most. */
  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).toString();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * One line as read back: its parsed object, its claimed hash and whether that hash is the
   * SHA-256 of its content.
   */
  record Parsed(JsonNode json, String hash, boolean hashMatches) {
    long seq() {
      JsonNode n = json.get("seq");
      return n == null || !n.canConvertToLong() ? -1 : n.asLong();
    }

    String prev() {
      JsonNode n = json.get("prev");
      return n == null ? "" : n.asText();
    }

    @Nullable String event() {
      JsonNode n = json.get("event");
      return n == null ? null : n.asText();
    }

    String text(String field) {
      JsonNode n = json.get(field);
      return n == null || n.isNull() ? "" : n.asText();
    }
  }

  /**
   * Parses {@code line} (without its newline); null when it is not a line of this format (not
   * JSON, no hash member at the end, a hash that is not 64 hex digits).
   */
  static @Nullable Parsed parse(String line, MessageDigest sha256) {
    if (line.length() < TAIL + 2 || !line.endsWith("\"}")) {
      return null;
    }
    int at = line.length() - TAIL;
    if (!line.startsWith(HASH_MEMBER, at)) {
      return null;
    }
    String hash = line.substring(at + HASH_MEMBER.length(), line.length() - 2);
    if (!isHex64(hash)) {
      return null;
    }
    String content = line.substring(0, at) + "}";
    JsonNode json;
    try {
      json = MAPPER.readTree(content);
    } catch (IOException e) {
      return null;
    }
    if (json == null || !json.isObject()) {
      return null;
    }
    String actual = HexFormat.of().formatHex(sha256.digest(content.getBytes(StandardCharsets.UTF_8)));
    return new Parsed(json, hash, actual.equals(hash));
  }

  static boolean isHex64(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** The checkpoint's JSON: {@code {"seq","hash","firstSeq","file","time"}}. */
  static String checkpointJson(long seq, String hash, long firstSeq, String file, Instant time) {
    try {
      var m = new LinkedHashMap<String, Object>();
      m.put("seq", seq);
      m.put("hash", hash);
      m.put("firstSeq", firstSeq);
      m.put("file", file);
      m.put("time", time(time));
      return MAPPER.writeValueAsString(m) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A checkpoint as read back; null when the text is not one. */
  static @Nullable Checkpoint parseCheckpoint(String text) {
    try {
      JsonNode n = MAPPER.readTree(text);
      if (n == null || !n.isObject() || !n.path("seq").canConvertToLong()
          || !isHex64(n.path("hash").asText())) {
        return null;
      }
      return new Checkpoint(n.path("seq").asLong(), n.path("hash").asText(),
          n.path("firstSeq").asLong(1), n.path("time").asText());
    } catch (IOException e) {
      return null;
    }
  }

  /** The chain head a log last recorded beside itself. */
  record Checkpoint(long seq, String hash, long firstSeq, String time) {}
}
