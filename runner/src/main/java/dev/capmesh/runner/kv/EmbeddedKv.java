package dev.capmesh.runner.kv;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.jspecify.annotations.Nullable;

/**
 * A KV namespace in an H2 MVStore file ({@code kv.mv.db}) in a directory. Every write is
 * committed and forced to disk before it is acknowledged, so a put the worker saw succeed
 * survives a kill -9 (and a power loss, as far as the file system's fsync holds). Map keys are
 * the keys' UTF-8 bytes as Latin-1 text, so the map's order is the bytes' order. Calls run on
 * the blocking executor. Thread-safe (MVStore is).
 */
public final class EmbeddedKv implements KvBackend {
  /** The store's file name inside the namespace directory. */
  public static final String FILE_NAME = "kv.mv.db";

  private final Path directory;
  private final MVStore store;
  private final MVMap<String, byte[]> map;
  private final Executor blocking;
  /** Why writes are refused (a read-only store), or null. */
  private final @Nullable String readOnly;

  private EmbeddedKv(Path directory, MVStore store, Executor blocking, @Nullable String readOnly) {
    this.directory = directory;
    this.store = store;
    this.map = store.openMap("kv");
    this.blocking = blocking;
    this.readOnly = readOnly;
  }

  /**
   * Opens the store in {@code directory} for reading only, without creating anything: an absent
   * store reads as empty. Writes fail with {@code why}.
   */
  public static EmbeddedKv openReadOnly(Path directory, Executor blocking, String why) throws IOException {
    Path file = directory.resolve(FILE_NAME);
    try {
      MVStore store = Files.isRegularFile(file)
          ? new MVStore.Builder().fileName(file.toString()).readOnly().open()
          : new MVStore.Builder().open(); // in memory: nothing to read
      return new EmbeddedKv(directory, store, blocking, why);
    } catch (RuntimeException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens (creating) the store in {@code directory}.
   *
   * @throws IOException if the directory cannot be created or the file cannot be opened (for
   *     example because another process has it open)
   */
  public static EmbeddedKv open(Path directory, Executor blocking) throws IOException {
    requireNonNull(directory, "directory");
    requireNonNull(blocking, "blocking");
    Files.createDirectories(directory);
    Path file = directory.resolve(FILE_NAME);
    try {
      MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
      return new EmbeddedKv(directory, store, blocking, null);
    } catch (RuntimeException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static String storedKey(String key) {
    return new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private static String workerKey(String stored) {
    return new String(stored.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  private <T> CompletionStage<T> async(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, blocking);
  }

  @Override public CompletionStage<@Nullable KvEntry> get(String key, long nowSeconds) {
    return async(() -> {
      byte[] raw = map.get(storedKey(key));
      if (raw == null) {
        return null;
      }
      KvEntry entry = KvEntry.decode(raw);
      return entry.expiredAt(nowSeconds) ? null : entry;
    });
  }

  private <T> CompletionStage<T> refused(String op) {
    return CompletableFuture.failedFuture(new KvNamespace.KvException(op, readOnly, true));
  }

  @Override public CompletionStage<Void> put(String key, KvEntry entry) {
    if (readOnly != null) {
      return refused("put");
    }
    return async(() -> {
      map.put(storedKey(key), entry.encode());
      durable();
      return null;
    });
  }

  @Override public CompletionStage<Void> delete(String key) {
    if (readOnly != null) {
      return refused("delete");
    }
    return async(() -> {
      if (map.remove(storedKey(key)) != null) {
        durable();
      }
      return null;
    });
  }

  private void durable() {
    store.commit();
    store.sync();
  }

  @Override public CompletionStage<KvPage> list(String prefix, @Nullable String after, int limit,
      long nowSeconds) {
    return async(() -> {
      String p = storedKey(prefix);
      String from = after == null ? p : storedKey(after);
      var keys = new ArrayList<KvPage.Key>();
      var expired = new ArrayList<String>();
      Cursor<String, byte[]> c = map.cursor(from);
      boolean complete = true;
      while (c.hasNext()) {
        String k = c.next();
        if (after != null && k.equals(from)) {
          continue;
        }
        if (!k.startsWith(p)) {
          break;
        }
        KvEntry e = KvEntry.decode(c.getValue());
        if (e.expiredAt(nowSeconds)) {
          expired.add(k);
          continue;
        }
        if (keys.size() == limit) {
          complete = false;
          break;
        }
        keys.add(new KvPage.Key(workerKey(k), e.expiration(), e.metadataJson()));
      }
      if (readOnly == null) {
        purge(expired, nowSeconds);
      }
      return new KvPage(keys, complete);
    });
  }

  /** Removes entries a listing found expired (if no put renewed them meanwhile). */
  private void purge(java.util.List<String> expired, long nowSeconds) {
    boolean removed = false;
    for (String k : expired) {
      byte[] raw = map.get(k);
      if (raw != null && KvEntry.decode(raw).expiredAt(nowSeconds)) {
        removed |= map.remove(k, raw);
      }
    }
    if (removed) {
      store.commit();
    }
  }

  @Override public String toString() {
    return "EmbeddedKv[" + directory + (readOnly != null ? ", read-only" : "") + "]";
  }

  /** Workers see this in errors: no path of the runner's file system. */
  @Override public String describe() {
    return "the embedded KV store";
  }

  @Override public void close() {
    if (!store.isClosed()) {
      store.close();
    }
  }
}
