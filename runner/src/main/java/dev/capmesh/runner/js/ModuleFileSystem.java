package dev.capmesh.runner.js;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The only "file system" a worker context sees: its own modules, read-only, at {@code /<name>},
 * plus the built-in {@code cloudflare:workers}. GraalJS resolves import specifiers through it,
 * so relative and absolute imports between modules work while no host file is reachable.
 * Non-JavaScript modules are served as generated ES modules with one default export; a
 * CommonJS module is served as an ES module that runs it through {@link CommonJs}.
 */
final class ModuleFileSystem implements org.graalvm.polyglot.io.FileSystem {
  private static final Path ROOT = Path.of("/");
  static final String BUILTIN_DIR = "/capmesh:builtin/";
  private static final String WORKERS_GLOBAL = "globalThis[Symbol.for('capmesh.cloudflare:workers')]";

  private final Map<String, byte[]> files = new HashMap<>();

  ModuleFileSystem(List<WorkerModule> modules) {
    for (WorkerModule m : modules) {
      files.put("/" + m.name(), generate(m).getBytes(StandardCharsets.UTF_8));
    }
    files.put(BUILTIN_DIR + "cloudflare/workers", ("const m = " + WORKERS_GLOBAL + ";\n"
        + "export const WorkerEntrypoint = m.WorkerEntrypoint;\nexport default m;\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static String generate(WorkerModule m) {
    return switch (m.kind()) {
      case ES_MODULE -> m.text();
      case TEXT -> "export default " + jsString(m.text()) + ";\n";
      case JSON -> "export default JSON.parse(" + jsString(m.text()) + ");\n";
      case DATA -> "export default " + WORKERS_GLOBAL + ".base64ToBuffer(\""
          + Base64.getEncoder().encodeToString(m.content()) + "\");\n";
      case COMMON_JS -> commonJsFacade(m);
    };
  }

  /**
   * The ES module importers of a CommonJS module see: its {@code module.exports} as the default
   * export (running it on first use, see {@link CommonJs}) and the declared named exports as
   * they are once it has run.
   */
  private static String commonJsFacade(WorkerModule m) {
    var out = new StringBuilder("const exports_ = " + CommonJs.GLOBAL + ".load("
        + jsString("/" + m.name()) + ");\nexport default exports_;\n");
    var seen = new java.util.HashSet<String>();
    int i = 0;
    for (String name : m.namedExports()) {
      if (name.equals("default") || !seen.add(name)) {
        continue; // module.exports is the default export already
      }
      out.append("const named").append(i).append("_ = exports_ == null ? undefined : exports_[")
          .append(jsString(name)).append("];\nexport { named").append(i).append("_ as ")
          .append(jsString(name)).append(" };\n");
      i++;
    }
    return out.toString();
  }

  /** A JavaScript string literal with the same value as {@code s}. */
  static String jsString(String s) {
    var out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private Path resolve(Path path) {
    return ROOT.resolve(path).normalize();
  }

  @Override public Path parsePath(URI uri) {
    // "cloudflare:workers" and other scheme-only specifiers arrive here as opaque URIs.
    if (uri.isOpaque()) {
      return Path.of(BUILTIN_DIR + uri.getScheme() + "/" + uri.getSchemeSpecificPart());
    }
    if (uri.getPath() == null) {
      throw new IllegalArgumentException("unsupported module specifier: " + uri);
    }
    return Path.of(uri.getPath());
  }

  @Override public Path parsePath(String path) {
    return Path.of(path);
  }

  @Override public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... options)
      throws IOException {
    if (!files.containsKey(resolve(path).toString())) {
      throw new NoSuchFileException(path.toString());
    }
    if (modes.contains(AccessMode.WRITE) || modes.contains(AccessMode.EXECUTE)) {
      throw new AccessDeniedException(path.toString());
    }
  }

  @Override public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    throw new AccessDeniedException(dir.toString());
  }

  @Override public void delete(Path path) throws IOException {
    throw new AccessDeniedException(path.toString());
  }

  @Override public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    byte[] bytes = files.get(resolve(path).toString());
    if (bytes == null) {
      throw new NoSuchFileException(path.toString());
    }
    return new ReadOnlyChannel(bytes);
  }

  @Override public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    throw new AccessDeniedException(dir.toString());
  }

  /** Every file here is served as an ES module (GraalJS would treat "*.json" as a JSON module). */
  @Override public String getMimeType(Path path) {
    return "application/javascript+module";
  }

  @Override public Path toAbsolutePath(Path path) {
    return ROOT.resolve(path);
  }

  @Override public Path toRealPath(Path path, LinkOption... options) {
    return resolve(path);
  }

  @Override public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    throw new NoSuchFileException(path.toString());
  }

  private static final class ReadOnlyChannel implements SeekableByteChannel {
    private final byte[] bytes;
    private int position;
    private boolean open = true;

    ReadOnlyChannel(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override public int read(ByteBuffer dst) {
      if (position >= bytes.length) {
        return -1;
      }
      int n = Math.min(dst.remaining(), bytes.length - position);
      dst.put(bytes, position, n);
      position += n;
      return n;
    }

    @Override public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override public long position() {
      return position;
    }

    @Override public SeekableByteChannel position(long newPosition) {
      position = (int) Math.min(newPosition, bytes.length);
      return this;
    }

    @Override public long size() {
      return bytes.length;
    }

    @Override public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override public boolean isOpen() {
      return open;
    }

    @Override public void close() {
      open = false;
    }
  }
}
