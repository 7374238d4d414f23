package dev.capmesh.runner.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capmesh.runner.observe.BindingUse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
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
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AuditFormat() {}

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
   * Formats lines into one growing batch buffer, ready for a single write: no per-line objects
   * besides the hash's text. Writes the bytes Jackson's generator writes for the same line:
   * quote and backslash escaped with a backslash, the short escapes of control characters and a
   * four-digit upper-case hex escape for the others, every UTF-16 surrogate (paired or not) as a
   * hex escape, other characters as UTF-8. So lines with lone surrogates stay valid JSON, and
   * a line never depends on which writer made it. One per thread; not thread-safe.
   */
  static final class Writer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPPER_HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH_MEMBER_BYTES = HASH_MEMBER.getBytes(StandardCharsets.US_ASCII);
    private byte[] buf = new byte[16 * 1024];
    private int size;
    private final MessageDigest sha256 = sha256();
    private final byte[] digest = new byte[32];
    private final char[] hashChars = new char[64];
    /** The epoch second whose text {@link #secondText} holds (time formatting is per line). */
    private long second = Long.MIN_VALUE;
    private byte[] secondText = new byte[0];

    /** The bytes formatted since the last {@link #reset}. */
    byte[] array() {
      return buf;
    }

    /** How many bytes are formatted. */
    int size() {
      return size;
    }

    /** Forgets every line. */
    void reset() {
      size = 0;
    }

    /** Forgets the lines after the first {@code length} bytes. */
    void truncate(int length) {
      size = length;
    }

    /**
     * Appends the line of {@code e} (its target redacted by {@code redact}) with its newline;
     * {@code hashOut[0]} receives the line's hash. Returns the line's length.
     */
    int append(Entry e, long seq, String prev, String runner, UnaryOperator<String> redact,
        String[] hashOut) {
      int start = size;
      ascii("{\"time\":\"");
      time(e instanceof Use(BindingUse u) ? u.time() : ((Event) e).time);
      ascii("\",\"seq\":");
      number(seq);
      switch (e) {
        case Use(BindingUse u) -> {
          field("requestId", u.requestId());
          field("runner", runner);
          field("worker", u.worker());
          field("binding", u.binding());
          field("kind", u.kind());
          field("op", u.operation());
          field("target", u.target() == null ? null : redact.apply(u.target()));
          field("outcome", u.outcome().name());
          numberField("bytesIn", u.bytesIn());
          numberField("bytesOut", u.bytesOut());
          numberField("durationUs", u.durationNanos() / 1000);
        }
        case Event ev -> {
          field("runner", runner);
          field("event", ev.name);
          for (var f : ev.fields.entrySet()) {
            switch (f.getValue()) {
              case Long l -> numberField(f.getKey(), l);
              case Integer i -> numberField(f.getKey(), i);
              case Boolean b -> {
                name(f.getKey());
                ascii(b ? "true" : "false");
              }
              default -> field(f.getKey(), String.valueOf(f.getValue()));
            }
          }
        }
      }
      field("prev", prev);
      // The hash covers the object closed right here; the '}' then makes way for the hash member.
      put('}');
      sha256.update(buf, start, size - start);
      try {
        sha256.digest(digest, 0, 32);
      } catch (DigestException ex) {
        throw new IllegalStateException(ex); // 32 bytes is SHA-256's size
      }
      size--;
      room(HASH_MEMBER_BYTES.length + 64 + 3);
      System.arraycopy(HASH_MEMBER_BYTES, 0, buf, size, HASH_MEMBER_BYTES.length);
      size += HASH_MEMBER_BYTES.length;
      for (int i = 0; i < 32; i++) {
        int b = digest[i] & 0xff;
        buf[size] = HEX[b >>> 4];
        buf[size + 1] = HEX[b & 0xf];
        hashChars[2 * i] = (char) HEX[b >>> 4];
        hashChars[2 * i + 1] = (char) HEX[b & 0xf];
        size += 2;
      }
      buf[size++] = '"';
      buf[size++] = '}';
      buf[size++] = '\n';
      hashOut[0] = new String(hashChars);
      return size - start;
    }

    private void name(String name) {
      put(',');
      string(name);
      put(':');
    }

    private void field(String name, @Nullable String value) {
      name(name);
      if (value == null) {
        ascii("null");
      } else {
        string(value);
      }
    }

    private void numberField(String name, long value) {
      name(name);
      number(value);
    }

    private void number(long value) {
      ascii(Long.toString(value));
    }

    /** The text of {@link AuditFormat#time}, its date and second reused while the second lasts. */
    private void time(Instant t) {
      long s = t.getEpochSecond();
      if (s != second) {
        String text = Instant.ofEpochSecond(s).toString(); // ...T10:00:00Z
        secondText = text.substring(0, text.length() - 1).getBytes(StandardCharsets.US_ASCII);
        second = s;
      }
      room(secondText.length + 8);
      System.arraycopy(secondText, 0, buf, size, secondText.length);
      size += secondText.length;
      int micros = t.getNano() / 1000;
      if (micros != 0) {
        // Instant.toString: three digits when whole milliseconds, else six.
        boolean millis = micros % 1000 == 0;
        int digits = millis ? 3 : 6;
        int v = millis ? micros / 1000 : micros;
        buf[size] = '.';
        for (int i = digits; i >= 1; i--) {
          buf[size + i] = (byte) ('0' + v % 10);
          v /= 10;
        }
        size += digits + 1;
      }
      buf[size++] = 'Z';
    }

    private void put(char c) {
      room(1);
      buf[size++] = (byte) c;
    }

    /** {@code text} known to be ASCII without anything to escape. */
    private void ascii(String text) {
      int n = text.length();
      room(n);
      for (int i = 0; i < n; i++) {
        buf[size++] = (byte) text.charAt(i);
      }
    }

    /** {@code text} as a JSON string, quoted and escaped. */
    private void string(String text) {
      int n = text.length();
      room(n * 6 + 2); // every char escaped at worst
      byte[] b = buf;
      int at = size;
      b[at++] = '"';
      for (int i = 0; i < n; i++) {
        char c = text.charAt(i);
        if (c >= 0x20 && c < 0x80) {
          if (c == '"' || c == '\\') {
            b[at++] = '\\';
          }
          b[at++] = (byte) c;
        } else if (c < 0x20) {
          b[at++] = '\\';
          switch (c) {
            case '\b' -> b[at++] = 'b';
            case '\t' -> b[at++] = 't';
            case '\n' -> b[at++] = 'n';
            case '\f' -> b[at++] = 'f';
            case '\r' -> b[at++] = 'r';
            default -> at = unicodeEscape(b, at, c);
          }
        } else if (Character.isSurrogate(c)) {
          b[at++] = '\\';
          at = unicodeEscape(b, at, c);
        } else if (c < 0x800) {
          b[at++] = (byte) (0xc0 | c >> 6);
          b[at++] = (byte) (0x80 | c & 0x3f);
        } else {
          b[at++] = (byte) (0xe0 | c >> 12);
          b[at++] = (byte) (0x80 | c >> 6 & 0x3f);
          b[at++] = (byte) (0x80 | c & 0x3f);
        }
      }
      b[at++] = '"';
      size = at;
    }

    /** {@code u} and four upper-case hex digits of {@code c} (the backslash is already there). */
    private static int unicodeEscape(byte[] b, int at, char c) {
      b[at] = 'u';
      b[at + 1] = UPPER_HEX[c >> 12 & 0xf];
      b[at + 2] = UPPER_HEX[c >> 8 & 0xf];
      b[at + 3] = UPPER_HEX[c >> 4 & 0xf];
      b[at + 4] = UPPER_HEX[c & 0xf];
      return at + 5;
    }

    private void room(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
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
