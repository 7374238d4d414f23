package dev.capmesh.runner.storage;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * HTTP over a bucket: what {@code env.STORAGE.fetch(path, init)} does. GET and HEAD read the
 * object at the path (a single {@code Range} answers 206 with {@code Content-Range}, or 416 when
 * it starts past the end), PUT stores the request body there (with the request's content
 * headers as the object's HTTP metadata, and {@code Content-MD5} checked), DELETE removes it.
 * {@code If-Match}, {@code If-None-Match}, {@code If-Modified-Since} and
 * {@code If-Unmodified-Since} are evaluated as RFC 9110 says: 304 for a failed If-None-Match or
 * If-Modified-Since on GET and HEAD, 412 otherwise. Other methods answer 405 with {@code Allow}.
 * Argument errors (a key over the limit, a malformed Content-MD5) answer 400 naming the problem;
 * backend failures fail the stage (the worker's promise rejects). Stateless.
 */
public final class ObjectHttp {
  private ObjectHttp() {}

  static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
      Locale.US).withZone(ZoneOffset.UTC);
  private static final String ALLOW = "GET, HEAD, PUT, DELETE";
  private static final Map<String, String> CONTENT_HEADERS = Map.of(
      "content-type", "contentType", "content-language", "contentLanguage",
      "content-disposition", "contentDisposition", "content-encoding", "contentEncoding",
      "cache-control", "cacheControl");

  /**
   * Serves one request on {@code bucket}.
   *
   * @param path the URL path ({@code /a%20b/c.json}); the key is it without the leading slash,
   *     percent-decoded as UTF-8
   */
  public static CompletionStage<ServiceResponse> serve(ObjectBucket bucket, String method, String path,
      List<Map.Entry<String, String>> headers, BodyStream body) {
    String m = method.toUpperCase(Locale.ROOT);
    if (!m.equals("PUT")) {
      body.cancel();
    }
    if (!List.of("GET", "HEAD", "PUT", "DELETE").contains(m)) {
      return done(new ServiceResponse(405, "Method Not Allowed", List.of(Map.entry("allow", ALLOW),
          Map.entry("content-type", "text/plain; charset=utf-8")), text("method " + method
          + " is not allowed on a storage binding; use GET, HEAD, PUT or DELETE\n")));
    }
    String key;
    try {
      key = key(path);
    } catch (IllegalArgumentException e) {
      body.cancel();
      return done(badRequest(e.getMessage()));
    }
    var h = new Headers(headers);
    CompletionStage<ServiceResponse> answer;
    try {
      answer = switch (m) {
        case "GET" -> get(bucket, key, h);
        case "HEAD" -> head(bucket, key, h);
        case "PUT" -> put(bucket, key, h, body);
        default -> delete(bucket, key, h);
      };
    } catch (IllegalArgumentException e) {
      body.cancel();
      return done(badRequest(e.getMessage()));
    }
    return answer.exceptionallyCompose(error -> {
      Throwable e = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
      if (e instanceof IllegalArgumentException) {
        return done(badRequest(e.getMessage()));
      }
      if (e instanceof ObjectBucket.BucketException b && b.getCause() instanceof RangeNotSatisfiableException r) {
        return done(new ServiceResponse(416, "Range Not Satisfiable", List.of(
            Map.entry("content-range", "bytes */" + r.size())), BodyStreams.empty()));
      }
      if (e instanceof ObjectBucket.BucketException b && b.getCause() instanceof ChecksumMismatchException) {
        return done(badRequest(b.reason()));
      }
      return CompletableFuture.failedFuture(e);
    });
  }

  /**
   * The key a URL path names: without the leading slash, percent-decoded as UTF-8.
   *
   * @throws IllegalArgumentException if the path names no key or its escapes are malformed
   */
  public static String key(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.isEmpty()) {
      throw new IllegalArgumentException("the path names no object: give /KEY");
    }
    if (p.indexOf('%') < 0) {
      return p;
    }
    var out = new ByteArrayOutputStream();
    for (int i = 0; i < p.length(); ) {
      char c = p.charAt(i);
      if (c == '%') {
        if (i + 2 >= p.length() || Character.digit(p.charAt(i + 1), 16) < 0 || Character.digit(p.charAt(i + 2), 16) < 0) {
          throw new IllegalArgumentException("the path has a malformed percent escape");
        }
        out.write(Character.digit(p.charAt(i + 1), 16) * 16 + Character.digit(p.charAt(i + 2), 16));
        i += 3;
      } else {
        int cp = p.codePointAt(i);
        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the path's percent escapes are not UTF-8");
    }
  }

  private static CompletionStage<ServiceResponse> get(ObjectBucket bucket, String key, Headers h) {
    Conditions conditions = conditions(h);
    ByteRange range = h.get("if-range") == null ? range(h.get("range")) : null;
    return bucket.get(key, conditions, range).thenApply(read -> {
      if (read == null) {
        return notFound(key);
      }
      ObjectInfo info = read.info();
      if (read.body() == null) {
        return failedCondition(info, conditions, true);
      }
      var out = objectHeaders(info);
      ByteRange.Resolved r = read.range();
      if (r != null && r.length() > 0) {
        out.add(Map.entry("content-range", "bytes " + r.offset() + "-" + (r.offset() + r.length() - 1) + "/" + info.size()));
        out.add(Map.entry("content-length", String.valueOf(r.length())));
        return new ServiceResponse(206, "Partial Content", out, read.body());
      }
      out.add(Map.entry("content-length", String.valueOf(r == null ? info.size() : 0)));
      return new ServiceResponse(200, "OK", out, read.body());
    });
  }

  private static CompletionStage<ServiceResponse> head(ObjectBucket bucket, String key, Headers h) {
    Conditions conditions = conditions(h);
    return bucket.head(key).thenApply(info -> {
      if (info == null) {
        return new ServiceResponse(404, "Not Found", List.of(), BodyStreams.empty());
      }
      if (!conditions.holds(info)) {
        return failedCondition(info, conditions, true);
      }
      var out = objectHeaders(info);
      out.add(Map.entry("content-length", String.valueOf(info.size())));
      return new ServiceResponse(200, "OK", out, BodyStreams.empty());
    });
  }

  private static CompletionStage<ServiceResponse> put(ObjectBucket bucket, String key, Headers h, BodyStream body) {
    Conditions conditions = conditions(h);
    Map<String, String> http = new LinkedHashMap<>();
    CONTENT_HEADERS.forEach((header, field) -> {
      String v = h.get(header);
      if (v != null) {
        http.put(field, v);
      }
    });
    String expires = h.get("expires");
    if (expires != null) {
      Instant at = date(expires);
      if (at != null) {
        http.put("cacheExpiry", String.valueOf(at.toEpochMilli()));
      }
    }
    Map<String, String> checksums = new LinkedHashMap<>();
    String md5 = h.get("content-md5");
    if (md5 != null) {
      byte[] digest;
      try {
        digest = Base64.getDecoder().decode(md5.trim());
      } catch (IllegalArgumentException e) {
        digest = new byte[0];
      }
      if (digest.length != 16) {
        throw new IllegalArgumentException("Content-MD5 must be the base64 of 16 bytes");
      }
      checksums.put("md5", HexFormat.of().formatHex(digest));
    }
    return bucket.put(key, body, new ObjectWrite(http, Map.of(), checksums), conditions).thenApply(info -> {
      if (info == null) {
        return new ServiceResponse(412, "Precondition Failed", List.of(), BodyStreams.empty());
      }
      return new ServiceResponse(200, "OK", List.of(Map.entry("etag", info.httpEtag()),
          Map.entry("last-modified", HTTP_DATE.format(info.uploaded()))), BodyStreams.empty());
    });
  }

  private static CompletionStage<ServiceResponse> delete(ObjectBucket bucket, String key, Headers h) {
    Conditions conditions = conditions(h);
    // Preconditions are checked, then the object deleted: not atomically with a concurrent write.
    CompletionStage<Boolean> proceed = conditions.isEmpty() ? CompletableFuture.completedFuture(true)
        : bucket.head(key).thenApply(conditions::holds);
    return proceed.thenCompose(ok -> ok
        ? bucket.delete(List.of(key)).thenApply(v -> new ServiceResponse(204, "No Content", List.of(), BodyStreams.empty()))
        : CompletableFuture.completedFuture(new ServiceResponse(412, "Precondition Failed", List.of(), BodyStreams.empty())));
  }

  /** 304 or 412 for an object whose conditions failed, as RFC 9110 section 13.2.2 orders them. */
  private static ServiceResponse failedCondition(ObjectInfo info, Conditions c, boolean safeMethod) {
    boolean matchFailed = !new Conditions(c.etagMatches(), List.of(), c.uploadedBefore(), null).holds(info);
    if (matchFailed || !safeMethod) {
      return new ServiceResponse(412, "Precondition Failed", List.of(), BodyStreams.empty());
    }
    var out = new ArrayList<Map.Entry<String, String>>();
    out.add(Map.entry("etag", info.httpEtag()));
    out.add(Map.entry("last-modified", HTTP_DATE.format(info.uploaded())));
    String cache = info.httpMetadata().get("cacheControl");
    if (cache != null) {
      out.add(Map.entry("cache-control", cache));
    }
    return new ServiceResponse(304, "Not Modified", out, BodyStreams.empty());
  }

  /** ETag, Last-Modified, Accept-Ranges and the object's HTTP metadata as headers. */
  static List<Map.Entry<String, String>> objectHeaders(ObjectInfo info) {
    var out = new ArrayList<Map.Entry<String, String>>();
    out.add(Map.entry("etag", info.httpEtag()));
    out.add(Map.entry("last-modified", HTTP_DATE.format(info.uploaded())));
    out.add(Map.entry("accept-ranges", "bytes"));
    CONTENT_HEADERS.forEach((header, field) -> {
      String v = info.httpMetadata().get(field);
      if (v != null) {
        out.add(Map.entry(header, v));
      }
    });
    String expiry = info.httpMetadata().get("cacheExpiry");
    if (expiry != null) {
      try {
        out.add(Map.entry("expires", HTTP_DATE.format(Instant.ofEpochMilli(Long.parseLong(expiry)))));
      } catch (RuntimeException e) {
        // not a time: stored by hand; leave it out
      }
    }
    return out;
  }

  /** The request's preconditions. */
  static Conditions conditions(Headers h) {
    List<String> match = tags(h.get("if-match"), false);
    List<String> noneMatch = tags(h.get("if-none-match"), true);
    Instant unmodifiedSince = h.get("if-unmodified-since") == null ? null : date(h.get("if-unmodified-since"));
    Instant modifiedSince = h.get("if-modified-since") == null ? null : date(h.get("if-modified-since"));
    return new Conditions(match, noneMatch, unmodifiedSince, modifiedSince);
  }

  /**
   * The entity tags of an If-Match / If-None-Match value, without quotes. If-None-Match compares
   * weakly (a W/ tag matches the same strong tag); If-Match strongly, so a weak tag is kept with
   * its prefix and never matches.
   */
  static List<String> tags(@Nullable String value, boolean weak) {
    if (value == null) {
      return List.of();
    }
    var out = new ArrayList<String>();
    for (String part : value.split(",")) {
      String t = part.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.equals("*")) {
        out.add("*");
        continue;
      }
      boolean isWeak = t.startsWith("W/");
      if (isWeak && !weak) {
        out.add(t);
        continue;
      }
      if (isWeak) {
        t = t.substring(2);
      }
      if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
        t = t.substring(1, t.length() - 1);
      }
      out.add(t);
    }
    return out;
  }

  /** An HTTP date, or null when it is not one (RFC 9110: such a precondition is ignored). */
  static @Nullable Instant date(String value) {
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * A single byte range ({@code bytes=A-B}, {@code bytes=A-}, {@code bytes=-N}); null for no
   * Range, a malformed one or several ranges (the whole object is served then, as RFC 9110 allows).
   */
  static @Nullable ByteRange range(@Nullable String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (!v.regionMatches(true, 0, "bytes=", 0, 6) || v.indexOf(',') >= 0) {
      return null;
    }
    String spec = v.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String first = spec.substring(0, dash).trim();
      String last = spec.substring(dash + 1).trim();
      if (first.isEmpty()) {
        return last.isEmpty() || !digits(last) ? null : new ByteRange(null, null, Long.parseLong(last));
      }
      if (!digits(first) || (!last.isEmpty() && !digits(last))) {
        return null;
      }
      long from = Long.parseLong(first);
      if (last.isEmpty()) {
        return new ByteRange(from, null, null);
      }
      long to = Long.parseLong(last);
      return to < from ? null : new ByteRange(from, to - from + 1, null);
    } catch (NumberFormatException e) {
      return null; // over 19 digits
    }
  }

  private static boolean digits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static ServiceResponse notFound(String key) {
    return new ServiceResponse(404, "Not Found", List.of(), BodyStreams.empty());
  }

  private static ServiceResponse badRequest(String message) {
    return new ServiceResponse(400, "Bad Request", List.of(Map.entry("content-type", "text/plain; charset=utf-8")),
        text(message + "\n"));
  }

  private static BodyStream text(String s) {
    return BodyStreams.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private static CompletionStage<ServiceResponse> done(ServiceResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  /** Request headers by lower-case name (the first of repeated ones, joined by commas). */
  static final class Headers {
    private final Map<String, String> byName = new LinkedHashMap<>();

    Headers(List<Map.Entry<String, String>> headers) {
      for (var e : headers) {
        byName.merge(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), (a, b) -> a + ", " + b);
      }
    }

    @Nullable String get(String name) {
      return byName.get(name);
    }
  }
}
