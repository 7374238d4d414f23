package dev.capmesh.runner.services;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * workerd's {@code disk} service (DiskDirectory): files under one directory over HTTP.
 *
 * <ul>
 *   <li>GET/HEAD of a file: 200 with Content-Length, Last-Modified and a content type from the
 *       extension (workerd always sends application/octet-stream; capmesh guesses, falling back
 *       to that). GET/HEAD of a directory: 200 with workerd's JSON listing
 *       {@code [{"name":"a.txt","type":"file"}, ...]}; other node types: 406.
 *   <li>PUT (only when {@code writable}): creates parent directories, writes to a temporary file
 *       and renames it over the target, 204. DELETE (only when writable): 204, or 404. Without
 *       {@code writable} both are 405. Other methods: 501.
 *   <li>A path is refused (404 for reads, 403 for writes) when a segment, after percent-decoding,
 *       is {@code .} or {@code ..}, contains {@code /}, {@code \} or NUL, or starts with a dot
 *       while {@code allowDotfiles} is false. Whatever passes is walked one component at a time
 *       without following links; a symlink is followed only when its real target lies under the
 *       root's real path and (without {@code allowDotfiles}) has no dot-named component below
 *       the root. PUT creates missing directories only inside directories already checked, so
 *       nothing is ever created, written, read or deleted outside the root through a link.
 *   <li>Races: the checks and the file operations are separate system calls (Java has no
 *       {@code openat}), so a process that can write to the directory could swap a checked
 *       directory for a symlink in between. The service itself never creates symlinks (PUT
 *       writes regular files and real directories and renames over a link instead of through
 *       it; DELETE removes a link, not its target), so a worker cannot stage that race, and the
 *       last component is always opened without following links.
 * </ul>
 *
 * <p>All file system work runs on {@code blockingExecutor}, never on the caller's thread.
 * Thread-safe.
 */
public final class DiskService implements HttpService {
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME
      .withZone(ZoneOffset.UTC);
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("md", "text/markdown; charset=utf-8"),
      Map.entry("csv", "text/csv; charset=utf-8"), Map.entry("xml", "application/xml"),
      Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
      Map.entry("webp", "image/webp"), Map.entry("ico", "image/x-icon"),
      Map.entry("wasm", "application/wasm"), Map.entry("pdf", "application/pdf"),
      Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"));

  private final Path root;
  private final boolean writable;
  private final boolean allowDotfiles;
  private final Executor executor;

  /**
   * @param root an existing directory
   * @param writable whether PUT and DELETE are allowed
   * @param allowDotfiles whether names starting with a dot may be read, written or listed
   * @param blockingExecutor where file system calls run
   * @throws IllegalArgumentException if {@code root} is not a directory
   */
  public DiskService(Path root, boolean writable, boolean allowDotfiles, Executor blockingExecutor) {
    requireNonNull(root, "root");
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("root: " + root + " (expected: an existing directory)", e);
    }
    if (!Files.isDirectory(this.root)) {
      throw new IllegalArgumentException("root: " + root + " (expected: a directory)");
    }
    this.writable = writable;
    this.allowDotfiles = allowDotfiles;
    this.executor = requireNonNull(blockingExecutor, "blockingExecutor");
  }

  @Override public CompletionStage<ServiceResponse> fetch(ServiceRequest request) {
    List<String> segments = segments(request.url());
    String method = request.method();
    switch (method) {
      case "GET", "HEAD" -> {
        request.body().cancel();
        if (segments == null) {
          return done(404, "Not Found");
        }
        return CompletableFuture.supplyAsync(() -> read(segments, method.equals("HEAD")), executor);
      }
      case "PUT" -> {
        if (!writable) {
          request.body().cancel();
          return done(405, "Method Not Allowed");
        }
        if (segments == null || segments.isEmpty()) {
          request.body().cancel();
          return done(403, "Forbidden");
        }
        return put(segments, request.body());
      }
      case "DELETE" -> {
        request.body().cancel();
        if (!writable) {
          return done(405, "Method Not Allowed");
        }
        if (segments == null || segments.isEmpty()) {
          return done(403, "Forbidden");
        }
        return CompletableFuture.supplyAsync(() -> delete(segments), executor);
      }
      default -> {
        request.body().cancel();
        return done(501, "Not Implemented");
      }
    }
  }

  private static CompletionStage<ServiceResponse> done(int status, String text) {
    return CompletableFuture.completedFuture(ServiceResponse.text(status, text));
  }

  /** Decoded path segments, or null when the path must be refused. */
  private @Nullable List<String> segments(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
    if (start < 0) {
      return List.of();
    }
    String path = url.substring(start);
    int end = path.length();
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '?' || path.charAt(i) == '#') {
        end = i;
        break;
      }
    }
    path = path.substring(0, end);
    if (path.indexOf('\\') >= 0) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String raw : path.split("/")) {
      if (raw.isEmpty()) {
        continue;
      }
      String seg = percentDecode(raw);
      if (seg == null || seg.equals(".") || seg.equals("..") || seg.indexOf('/') >= 0
          || seg.indexOf('\\') >= 0 || seg.indexOf('\0') >= 0
          || (!allowDotfiles && seg.startsWith("."))) {
        return null;
      }
      out.add(seg);
    }
    return out;
  }

  private static @Nullable String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    var out = new ByteArrayOutputStream();
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%') {
        if (i + 2 >= raw.length) {
          return null;
        }
        int hi = Character.digit(raw[i + 1], 16);
        int lo = Character.digit(raw[i + 2], 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(raw[i]);
      }
    }
    var decoded = StandardCharsets.UTF_8.newDecoder();
    try {
      return decoded.decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Walks {@code segments} down from the root, one component at a time, and returns the real
   * path of the node they name, or null when it does not exist or may not be reached. Each
   * component is examined without following links; a symlink is followed only when its real
   * target lies under the root and, without {@code allowDotfiles}, has no dot-named component
   * below the root. With {@code create}, a missing directory component is created inside the
   * directory already checked (never through a link).
   */
  private @Nullable Path walk(List<String> segments, boolean create) {
    Path at = root;
    try {
      for (String segment : segments) {
        if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
          return null;
        }
        at = step(at, segment, create);
        if (at == null) {
          return null;
        }
      }
      return at;
    } catch (IOException e) {
      return null;
    }
  }

  /** One component of {@link #walk}: {@code dir} is a checked real directory under the root. */
  private @Nullable Path step(Path dir, String segment, boolean create) throws IOException {
    Path child = dir.resolve(segment);
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      if (!create) {
        return null;
      }
      try {
        return Files.createDirectory(child); // mkdir: never follows a link at child
      } catch (FileAlreadyExistsException raced) {
        return step(dir, segment, false);
      }
    }
    if (!attrs.isSymbolicLink()) {
      return child;
    }
    Path real;
    try {
      real = child.toRealPath();
    } catch (IOException dangling) {
      return null; // a dangling link: never create what it points to
    }
    return reachable(real) ? real : null;
  }

  /** Whether a real path may be served: under the root, and no hidden component unless allowed. */
  private boolean reachable(Path real) {
    if (!real.startsWith(root)) {
      return false;
    }
    if (!allowDotfiles) {
      for (Path part : root.relativize(real)) {
        if (part.toString().startsWith(".")) {
          return false;
        }
      }
    }
    return true;
  }

  /** The checked real directory that holds the last segment, or null; see {@link #walk}. */
  private @Nullable Path parentOf(List<String> segments, boolean create) {
    Path parent = walk(segments.subList(0, segments.size() - 1), create);
    return parent != null && Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS) ? parent : null;
  }

  private ServiceResponse read(List<String> segments, boolean head) {
    Path real = walk(segments, false);
    if (real == null) {
      return ServiceResponse.text(404, "Not Found");
    }
    try {
      // NOFOLLOW: a link put in place of the checked node since the walk is not followed.
      BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      String modified = HTTP_DATE.format(attrs.lastModifiedTime().toInstant());
      if (attrs.isRegularFile()) {
        List<Map.Entry<String, String>> headers = List.of(
            Map.entry("content-type", contentType(real.getFileName().toString())),
            Map.entry("last-modified", modified));
        long size = attrs.size();
        BodyStream body = head ? lengthOnly(size) : new FileBodyStream(real, size, executor);
        return new ServiceResponse(200, "OK", headers, body);
      }
      if (attrs.isDirectory()) {
        var headers = List.of(Map.entry("content-type", "application/json"),
            Map.entry("last-modified", modified));
        if (head) {
          return new ServiceResponse(200, "OK", headers, BodyStreams.empty());
        }
        return new ServiceResponse(200, "OK", headers,
            BodyStreams.of(listing(real).getBytes(StandardCharsets.UTF_8)));
      }
      return ServiceResponse.text(406, "Not Acceptable");
    } catch (IOException e) {
      return ServiceResponse.text(404, "Not Found");
    }
  }

  /** A bodiless stream that still reports the file size, so HEAD answers carry Content-Length. */
  private static BodyStream lengthOnly(long size) {
    return new BodyStream() {
      @Override public CompletionStage<@Nullable ByteBuffer> read() {
        return CompletableFuture.completedFuture(null);
      }

      @Override public void cancel() {}

      @Override public long knownLength() {
        return size;
      }
    };
  }

  private String listing(Path dir) throws IOException {
    var entries = new ArrayList<String>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : (Iterable<Path>) children.sorted()::iterator) {
        String name = child.getFileName().toString();
        if (!allowDotfiles && name.startsWith(".")) {
          continue;
        }
        var a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String type = a.isSymbolicLink() ? "symlink" : a.isDirectory() ? "directory"
            : a.isRegularFile() ? "file" : "other";
        entries.add("{\"name\":" + jsonString(name) + ",\"type\":\"" + type + "\"}");
      }
    }
    return "[" + String.join(",", entries) + "]";
  }

  private static String jsonString(String s) {
    var b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static String contentType(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  private CompletionStage<ServiceResponse> put(List<String> segments, BodyStream body) {
    return CompletableFuture.supplyAsync(() -> {
      Path parent = parentOf(segments, true);
      if (parent == null) {
        return null;
      }
      Path target = parent.resolve(segments.get(segments.size() - 1));
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      try {
        Path temp = Files.createTempFile(parent, ".capmesh-put-", ".tmp");
        return new Upload(target, temp,
            FileChannel.open(temp, StandardOpenOption.WRITE));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, executor).thenCompose(upload -> {
      if (upload == null) {
        body.cancel();
        return done(403, "Forbidden");
      }
      var result = new CompletableFuture<ServiceResponse>();
      copy(body, upload, result);
      return result;
    });
  }

  /** An upload in progress: bytes go to {@code temp}, which replaces {@code target} at the end. */
  private record Upload(Path target, Path temp, FileChannel channel) {
    void abandon() {
      try {
        channel.close();
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the temporary file is named so it can be found and removed later
      }
    }
  }

  private void copy(BodyStream body, Upload upload, CompletableFuture<ServiceResponse> result) {
    body.read().thenAcceptAsync(chunk -> {
      try {
        if (chunk == null) {
          upload.channel().force(true);
          upload.channel().close();
          Files.move(upload.temp(), upload.target(), StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
          result.complete(new ServiceResponse(204, "No Content", List.of(), BodyStreams.empty()));
          return;
        }
        while (chunk.hasRemaining()) {
          upload.channel().write(chunk);
        }
        copy(body, upload, result);
      } catch (IOException e) {
        upload.abandon();
        body.cancel();
        result.completeExceptionally(e);
      }
    }, executor).exceptionally(error -> {
      upload.abandon();
      result.completeExceptionally(error);
      return null;
    });
  }

  private ServiceResponse delete(List<String> segments) {
    Path parent = parentOf(segments, false);
    if (parent == null) {
      return ServiceResponse.text(404, "Not Found");
    }
    Path victim = parent.resolve(segments.get(segments.size() - 1));
    try {
      if (!Files.exists(victim, LinkOption.NOFOLLOW_LINKS)) {
        return ServiceResponse.text(404, "Not Found");
      }
      try {
        Files.delete(victim);
      } catch (DirectoryNotEmptyException e) {
        try (Stream<Path> tree = Files.walk(victim)) {
          for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
            Files.delete(p);
          }
        }
      }
      return new ServiceResponse(204, "No Content", List.of(), BodyStreams.empty());
    } catch (NoSuchFileException e) {
      return ServiceResponse.text(404, "Not Found");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
