package dev.capmesh.runner.storage.s3;

import dev.capmesh.runner.storage.ObjectInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How R2's object model is written in S3's: HTTP metadata as the object's own headers, custom
 * metadata as {@code x-amz-meta-*} headers, and the values S3 does not have (a version that
 * changes on every write, checksums) derived from what every S3 call answers.
 *
 * <p>Custom metadata has to survive S3's header rules (names are case-insensitive tokens,
 * values ASCII). A key that is already a lowercase token ({@code [a-z0-9][a-z0-9_-]*}, not
 * starting with {@code x-}) is stored as it is; any other key is stored as {@code x-} and the
 * hex of its UTF-8 bytes. A value of printable ASCII is stored as it is; any other value (and one
 * that looks like an encoded word) as an RFC 2047 encoded word, {@code =?UTF-8?B?BASE64?=}, the
 * form S3 itself uses for non-ASCII metadata. Reading reverses both.
 */
final class S3Codec {
  private S3Codec() {}

  private static final Pattern PLAIN_KEY = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final Pattern HEX_KEY = Pattern.compile("x-((?:[0-9a-f]{2})+)");
  private static final Pattern PLAIN_VALUE = Pattern.compile("[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?");
  private static final Pattern ENCODED_VALUE = Pattern.compile("=\\?(?i:utf-8)\\?[bB]\\?([A-Za-z0-9+/=]*)\\?=");
  private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");
  private static final HexFormat HEX = HexFormat.of();
  /** IMF-fixdate (RFC 9110 5.6.7), the form HTTP dates are sent in. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  static String metadataName(String key) {
    if (PLAIN_KEY.matcher(key).matches() && !key.startsWith("x-")) {
      return key;
    }
    return "x-" + HEX.formatHex(key.getBytes(StandardCharsets.UTF_8));
  }

  static String metadataKey(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    var m = HEX_KEY.matcher(lower);
    if (m.matches()) {
      return new String(HEX.parseHex(m.group(1)), StandardCharsets.UTF_8);
    }
    return lower;
  }

  static String metadataValue(String value) {
    if (value.isEmpty() || (PLAIN_VALUE.matcher(value).matches() && !value.startsWith("=?"))) {
      return value;
    }
    return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  static String metadataText(String stored) {
    var m = ENCODED_VALUE.matcher(stored);
    if (m.matches()) {
      try {
        return new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return stored;
      }
    }
    return stored;
  }

  /** The worker's custom metadata as S3 user metadata (names without {@code x-amz-meta-}). */
  static Map<String, String> toUserMetadata(Map<String, String> custom) {
    var out = new LinkedHashMap<String, String>();
    custom.forEach((k, v) -> out.put(metadataName(k), metadataValue(v)));
    return out;
  }

  /** S3 user metadata as the worker's custom metadata. */
  static Map<String, String> fromUserMetadata(@Nullable Map<String, String> stored) {
    var out = new HashMap<String, String>();
    if (stored != null) {
      stored.forEach((k, v) -> out.put(metadataKey(k), metadataText(v)));
    }
    return out;
  }

  /** The HTTP metadata an S3 answer carries, by R2 field name. */
  static Map<String, String> httpMetadata(@Nullable String contentType, @Nullable String contentLanguage,
      @Nullable String contentDisposition, @Nullable String contentEncoding, @Nullable String cacheControl,
      @Nullable String expires) {
    var out = new HashMap<String, String>();
    putIfSet(out, "contentType", contentType);
    putIfSet(out, "contentLanguage", contentLanguage);
    putIfSet(out, "contentDisposition", contentDisposition);
    putIfSet(out, "contentEncoding", contentEncoding);
    putIfSet(out, "cacheControl", cacheControl);
    if (expires != null && !expires.isEmpty()) {
      Instant t = parseTime(expires);
      out.put("cacheExpiry", t == null ? expires : httpDate(t));
    }
    return out;
  }

  private static void putIfSet(Map<String, String> out, String name, @Nullable String value) {
    if (value != null && !value.isEmpty()) {
      out.put(name, value);
    }
  }

  /** An HTTP date, as the {@code Expires} header writes it. */
  static String httpDate(Instant t) {
    return HTTP_DATE.format(t);
  }

  /** {@code cacheExpiry} as an HTTP date, an ISO-8601 instant or epoch milliseconds; null if none of these. */
  static @Nullable Instant parseTime(String text) {
    try {
      return DateTimeFormatter.RFC_1123_DATE_TIME.parse(text, Instant::from);
    } catch (DateTimeParseException e) {
      // not an HTTP date
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      // not ISO-8601
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(text.trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** An entity tag without its quotes (S3 answers it quoted). */
  static String unquote(@Nullable String etag) {
    if (etag == null) {
      return "";
    }
    String t = etag.startsWith("W/") ? etag.substring(2) : etag;
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      return t.substring(1, t.length() - 1);
    }
    return t;
  }

  /**
   * The version of an object: S3 has no id that changes on every write of an unversioned bucket
   * and that every call (head, get, list) answers, so it is derived from the entity tag and the
   * upload time (to the second, as HTTP dates have it). Two writes of the same bytes in the same
   * second share a version.
   */
  static String version(String etag, Instant uploaded) {
    try {
      var md = MessageDigest.getInstance("SHA-256");
      md.update((etag + "/" + uploaded.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
      return HEX.formatHex(md.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Checksums known from an answer: MD5 when the entity tag is one, and S3's stored SHA checksums. */
  static Map<String, String> checksums(String etag, @Nullable String sha1Base64, @Nullable String sha256Base64) {
    var out = new HashMap<String, String>();
    if (MD5_HEX.matcher(etag).matches()) {
      out.put("md5", etag);
    }
    putDigest(out, "sha1", sha1Base64);
    putDigest(out, "sha256", sha256Base64);
    return out;
  }

  private static void putDigest(Map<String, String> out, String algorithm, @Nullable String base64) {
    if (base64 == null || base64.isEmpty()) {
      return;
    }
    try {
      out.put(algorithm, HEX.formatHex(Base64.getDecoder().decode(base64)));
    } catch (IllegalArgumentException e) {
      // A composite (multipart) checksum or a form we do not know: leave it out.
    }
  }

  static String base64OfHex(String hex) {
    return Base64.getEncoder().encodeToString(HEX.parseHex(hex));
  }

  static ObjectInfo info(String key, long size, @Nullable String etagHeader, @Nullable Instant lastModified,
      Map<String, String> http, Map<String, String> custom, Map<String, String> checksums) {
    String etag = unquote(etagHeader);
    Instant uploaded = lastModified == null ? Instant.EPOCH : lastModified;
    return new ObjectInfo(key, version(etag, uploaded), size, etag, uploaded, http, custom, checksums);
  }
}
