package dev.capmesh.runner.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's files: {@code objects/HH/HASH.meta} (an object's metadata as JSON) and
 * {@code objects/HH/HASH.VERSION.data} (its bytes), where HASH is the hex SHA-256 of the key's
 * UTF-8 bytes and HH its first two digits, so a key never names a path. Every method does
 * blocking file I/O (callers run it on the store's executor). Thread-safe.
 */
final class ObjectFiles {
  private static final Logger log = LoggerFactory.getLogger(ObjectFiles.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String META = ".meta";
  private static final String DATA = ".data";
  private static final String TEMP = ".tmp-";

  private final Path objects;
  private final Set<Path> knownDirectories = ConcurrentHashMap.newKeySet();
  private final SecureRandom random = new SecureRandom();

  /** @param root the store's directory; objects live in {@code root/objects} */
  ObjectFiles(Path root) {
    this.objects = root.resolve("objects");
  }

  /** The directory the object files are under (to keep it out of error text). */
  Path objects() {
    return objects;
  }

  private static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Path metaFile(String key) {
    String h = hash(key);
    return objects.resolve(h.substring(0, 2)).resolve(h + META);
  }

  Path dataFile(String key, String version) {
    if (!version.matches("[0-9a-f]{32}")) {
      throw new ObjectStoreException("the store holds a malformed object version");
    }
    String h = hash(key);
    return objects.resolve(h.substring(0, 2)).resolve(h + "." + version + DATA);
  }

  /** A fresh random version: 32 hex digits. */
  String newVersion() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** The object's metadata from its meta file, or null when there is none (or it is another key's). */
  @Nullable ObjectInfo readMeta(String key) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(metaFile(key));
    } catch (NoSuchFileException e) {
      return null;
    }
    ObjectInfo info = parseMeta(bytes);
    return info.key().equals(key) ? info : null;
  }

  private static ObjectInfo parseMeta(byte[] bytes) throws IOException {
    StoredMeta m = JSON.readValue(bytes, StoredMeta.class);
    return new ObjectInfo(m.key(), m.version(), m.size(), m.etag(), Instant.ofEpochMilli(m.uploaded()),
        m.http() == null ? Map.of() : m.http(), m.custom() == null ? Map.of() : m.custom(),
        m.checksums() == null ? Map.of() : m.checksums());
  }

  /** What a meta file holds. */
  record StoredMeta(String key, String version, long size, String etag, long uploaded,
      @Nullable Map<String, String> http, @Nullable Map<String, String> custom,
      @Nullable Map<String, String> checksums) {}

  /**
   * Replaces the object's meta file: written to a temporary file, forced, renamed over the old
   * one (atomic), and the directory forced. Callers hold the key's lock.
   */
  void writeMeta(String key, ObjectInfo info) throws IOException {
    Path target = metaFile(key);
    Path dir = target.getParent();
    ensureDirectory(dir);
    byte[] bytes = JSON.writeValueAsBytes(new StoredMeta(info.key(), info.version(), info.size(), info.etag(),
        info.uploaded().toEpochMilli(), info.httpMetadata(), info.customMetadata(), info.checksums()));
    Path temp = dir.resolve(TEMP + newVersion());
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw e;
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory(dir);
  }

  /** Removes the object's meta file (the object is gone from then on), durably. */
  void deleteMeta(String key) throws IOException {
    Path meta = metaFile(key);
    Files.delete(meta);
    forceDirectory(meta.getParent());
  }

  /** Creates {@code dir} (a shard directory) if needed, durably. */
  void ensureDirectory(Path dir) throws IOException {
    if (knownDirectories.contains(dir)) {
      return;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir);
      forceDirectory(dir.getParent());
    }
    knownDirectories.add(dir);
  }

  /** Makes the directory's entries (created, renamed, removed files) durable. */
  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.debug("event=object-file-delete-failed", e); // left for the next open to remove
    }
  }

  /**
   * Hands every key with a readable meta file to {@code keys}; when {@code clean}, removes
   * temporary files and data files no meta file names (writes a crash or kill cut short).
   *
   * @return how many meta files could not be read (left in place)
   */
  int load(boolean clean, Consumer<String> keys) throws IOException {
    if (!Files.isDirectory(objects)) {
      return 0;
    }
    int skipped = 0;
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(objects)) {
      for (Path shard : shards) {
        if (!Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        knownDirectories.add(shard);
        Set<String> referenced = new HashSet<>();
        List<Path> dataFiles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(META)) {
              try {
                ObjectInfo info = parseMeta(Files.readAllBytes(f));
                if (!(hash(info.key()) + META).equals(name)) {
                  skipped++;
                  continue;
                }
                keys.accept(info.key());
                referenced.add(hash(info.key()) + "." + info.version() + DATA);
              } catch (IOException | RuntimeException e) {
                skipped++;
              }
            } else if (name.endsWith(DATA)) {
              dataFiles.add(f);
            } else if (name.startsWith(TEMP) && clean) {
              deleteQuietly(f);
            }
          }
        }
        if (clean) {
          for (Path f : dataFiles) {
            if (!referenced.contains(f.getFileName().toString())) {
              deleteQuietly(f);
            }
          }
        }
      }
    }
    return skipped;
  }
}
