package dev.capmesh.runner.storage;

import dev.capmesh.runner.service.BodyStream;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Where a storage service keeps its objects: a directory, an S3 bucket. The R2 limits and the
 * argument checks live above this (in the bucket the binding holds); a backend stores, reads,
 * lists and deletes. Keys are the worker's own keys, as UTF-8 text. Implementations are
 * thread-safe, never block the caller, and complete a write's stage only once the object is
 * durable (renamed into place, acknowledged by the server).
 *
 * <p>Bodies stream both ways: {@link #put} pulls the {@link BodyStream} it is given and never
 * holds a whole object in memory; {@link #get} answers with a stream the caller pulls (and
 * must cancel if it stops early).
 */
public interface ObjectBackend extends AutoCloseable {

  /** The object's metadata, or null when there is no object under {@code key}. */
  CompletionStage<@Nullable ObjectInfo> head(String key);

  /**
   * The object under {@code key}, or null when there is none. When {@code conditions} do not
   * hold, the answer carries the object's metadata and no body; when they hold, it carries the
   * body of {@code range} (the whole object if null).
   */
  CompletionStage<@Nullable ObjectRead> get(String key, Conditions conditions, @Nullable ByteRange range);

  /**
   * Stores the body under {@code key}, replacing what was there, and answers its metadata; or
   * answers null, storing nothing, when {@code conditions} do not hold for the object already
   * there. The stage fails (storing nothing) when the body fails, or when a checksum in
   * {@code write} does not match what was received.
   */
  CompletionStage<@Nullable ObjectInfo> put(String key, BodyStream body, ObjectWrite write, Conditions conditions);

  /** Removes every key in {@code keys}; removing an absent key succeeds. */
  CompletionStage<Void> delete(List<String> keys);

  /** One page of the objects matching {@code query}, in the order of their keys' UTF-8 bytes. */
  CompletionStage<ObjectPage> list(ObjectQuery query);

  /**
   * What the backend is, for the errors workers see ("the embedded object store", "S3 bucket
   * photos at http://127.0.0.1:9000"): never a credential or a local file path.
   */
  String describe();

  /** Releases the backend's files or connections. */
  @Override void close();
}
