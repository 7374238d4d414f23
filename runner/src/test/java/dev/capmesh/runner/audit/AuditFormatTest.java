package dev.capmesh.runner.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.capmesh.runner.audit.AuditFormat.Event;
import dev.capmesh.runner.audit.AuditFormat.Use;
import dev.capmesh.runner.observe.BindingUse;
import dev.capmesh.runner.observe.BindingUse.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The line writer against Jackson's generator: for random text (surrogates paired and lone,
 * control characters, quotes, non-ASCII) and random times, the writer's bytes are the bytes a
 * Jackson generator writes for the same fields, and the hash is the SHA-256 of the line with its
 * hash member removed.
 */
class AuditFormatTest {
  private static final JsonFactory JSON = new JsonFactory();
  private static final char[] ALPHABET = ("abcXYZ09 _-:/.\"\\\u0000\u0001\b\t\n\f\r\u001f\u007f"
      + "\u0080\u00e9\u07ff\u0800\u2028\u65e5\uffff\ud800\udbff\udc00\udfff").toCharArray();

  private static String text(Random r) {
    char[] c = new char[r.nextInt(12)];
    for (int i = 0; i < c.length; i++) {
      c[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }

  private static Instant time(Random r) {
    long second = 1_700_000_000L + r.nextInt(1_000_000);
    int nanos = switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> r.nextInt(1000) * 1_000_000;
      case 2 -> r.nextInt(1_000_000) * 1000;
      default -> r.nextInt(1_000_000_000); // below a microsecond: cut off
    };
    return Instant.ofEpochSecond(second, nanos);
  }

  /** The line as Jackson writes it, with the hash member computed here. */
  private static byte[] reference(BindingUse u, long seq, String prev, String runner) throws IOException {
    var out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", u.time().truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString());
      g.writeNumberField("seq", seq);
      g.writeStringField("requestId", u.requestId());
      g.writeStringField("runner", runner);
      g.writeStringField("worker", u.worker());
      g.writeStringField("binding", u.binding());
      g.writeStringField("kind", u.kind());
      g.writeStringField("op", u.operation());
      g.writeStringField("target", u.target());
      g.writeStringField("outcome", u.outcome().name());
      g.writeNumberField("bytesIn", u.bytesIn());
      g.writeNumberField("bytesOut", u.bytesOut());
      g.writeNumberField("durationUs", u.durationNanos() / 1000);
      g.writeStringField("prev", prev);
      g.writeEndObject();
    }
    byte[] content = out.toByteArray();
    String hash;
    try {
      hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    byte[] head = Arrays.copyOf(content, content.length - 1);
    byte[] tail = (",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII);
    byte[] line = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, line, head.length, tail.length);
    return line;
  }

  @Test void useLinesAreTheBytesJacksonWritesForRandomText() throws Exception {
    var r = new Random(20261130);
    var w = new AuditFormat.Writer();
    String[] h = new String[1];
    String prev = AuditFormat.GENESIS;
    for (int i = 0; i < 5000; i++) {
      var u = new BindingUse(time(r), text(r), text(r), text(r), text(r), text(r),
          r.nextInt(8) == 0 ? null : text(r), Outcome.values()[r.nextInt(4)], r.nextLong(),
          r.nextInt(1 << 20), r.nextLong(Long.MAX_VALUE));
      String runner = text(r);
      w.reset();
      int length = w.append(new Use(u), i + 1, prev, runner, UnaryOperator.identity(), h);
      byte[] got = Arrays.copyOf(w.array(), w.size());
      byte[] want = reference(u, i + 1, prev, runner);
      assertThat(length).isEqualTo(got.length);
      assertThat(new String(got, StandardCharsets.ISO_8859_1)).as("line %d", i)
          .isEqualTo(new String(want, StandardCharsets.ISO_8859_1));
      // The verifier's own parse agrees: valid JSON, and the hash matches the content.
      String text = new String(got, 0, got.length - 1, StandardCharsets.UTF_8);
      AuditFormat.Parsed p = AuditFormat.parse(text, AuditFormat.sha256());
      assertThat(p).as("line %d", i).isNotNull();
      assertThat(p.hashMatches()).isTrue();
      assertThat(h[0]).isEqualTo(text.substring(text.length() - 66, text.length() - 2));
      prev = h[0];
    }
  }

  @Test void linesAppendToOneBatchAndTruncateBackToALineBoundary() {
    var w = new AuditFormat.Writer();
    String[] h = new String[1];
    var ev = new Event(Instant.parse("2026-11-30T09:00:00.5Z"), "open").field("queueCapacity", 7)
        .field("failClosed", false).field("big", 12_345_678_901L).field("why", "a \"reason\"");
    int first = w.append(ev, 1, AuditFormat.GENESIS, "r", UnaryOperator.identity(), h);
    String firstHash = h[0];
    int second = w.append(ev, 2, firstHash, "r", UnaryOperator.identity(), h);
    assertThat(w.size()).isEqualTo(first + second);
    String batch = new String(w.array(), 0, w.size(), StandardCharsets.UTF_8);
    assertThat(batch.lines()).hasSize(2);
    assertThat(batch.lines().findFirst().orElseThrow()).startsWith(
        "{\"time\":\"2026-11-30T09:00:00.500Z\",\"seq\":1,\"runner\":\"r\",\"event\":\"open\","
            + "\"queueCapacity\":7,\"failClosed\":false,\"big\":12345678901,\"why\":\"a \\\"reason\\\"\","
            + "\"prev\":\"" + AuditFormat.GENESIS + "\",\"hash\":\"" + firstHash + "\"}");
    w.truncate(first);
    assertThat(new String(w.array(), 0, w.size(), StandardCharsets.UTF_8)).isEqualTo(
        batch.substring(0, first));
  }
}
