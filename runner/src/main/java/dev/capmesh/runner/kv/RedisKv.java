package dev.capmesh.runner.kv;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A KV namespace in Redis, through Lettuce. Everything lives under the namespace's key prefix:
 * each entry is one string at {@code PREFIX k:KEY} holding its expiration, metadata and value
 * (see {@link #encode}), written by one {@code SET}, so a reader sees a whole entry or none; the
 * sorted set {@code PREFIX i} lists the keys (score 0, so Redis orders them by their bytes:
 * {@code ZRANGEBYLEX} gives Workers KV's order).
 *
 * <p>The index may name more keys than exist, never fewer: a put sends {@code SET} then
 * {@code ZADD}, a delete {@code ZREM} then {@code DEL}, each pair in one write on one connection,
 * so whatever other clients interleave, a key that exists was added to the index after its
 * last removal from it. The puts a thread holds (see below) share one {@code ZADD}, written
 * after all of their {@code SET}s and before any delete held after them. A listing skips
 * members whose entry is gone and drops them with a script that first checks the entry is
 * still gone. Plain commands cost Redis about a third of
 * what one Lua script doing the same did ({@code bench/kv/redis-cost.py}, 32 puts per write:
 * 9.7 µs of Redis CPU per put with the script, 2.8 µs with the two commands). The
 * one case that leaves an entry unlisted is a {@code ZADD} that fails after its {@code SET}
 * succeeded (Redis out of memory); the put then fails, and the next put of the key lists it.
 *
 * <p>Expiry is exact on read (the stored expiration is compared with the runner's clock);
 * Redis's own expiry, set to the same time to live, reclaims the memory. Entries written as
 * hashes by earlier versions (fields {@code v}, {@code m}, {@code e}) are still read and listed;
 * a put replaces them with the string form.
 *
 * <p>A comma-separated list of URLs is a Redis Cluster (its seed nodes; the rest of the cluster
 * is discovered). A put or delete touches an entry and its index together, and listings walk
 * the index, so every key of a namespace carries one hash tag and lives in one slot: the namespace's key
 * prefix in braces ({@code {PREFIX}k:KEY}, {@code {PREFIX}i}), or, when the prefix is empty or
 * holds a brace, the first 16 hex digits of its SHA-256 in braces before it. Namespaces spread
 * over the cluster's nodes; one namespace is as large as one node holds. Order, atomicity and
 * expiry are the same as on a single server.
 *
 * <p>{@code rediss://} URLs connect over TLS and verify the server's certificate against the
 * JDK's trusted certificates (and its host name).
 *
 * <p>The password is read from the runner's environment each time a connection authenticates
 * (a rotated password is picked up on the next reconnect). While Redis is unreachable, calls
 * fail at once (no queueing) and the next call tries to connect again. Thread-safe; never
 * blocks (Lettuce completes on its own event loops).
 *
 * <p>Every get, put and delete completes within the timeout: on an open connection Lettuce's
 * command timeout bounds it (a {@link TimeoutException} once it passes), while connecting a
 * deadline of our own. A thread may {@link #hold} its commands: they are then written to Redis
 * together, in one write, when it sends them (a pipeline), instead of one write each.
 */
public final class RedisKv implements KvBackend {
  /** Removes an index member only if its entry is still gone (a put may have raced). */
  private static final String DROP_STALE = """
      if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end
      return 1
      """;

  private static final byte[] FIELD_V = {'v'};
  private static final byte[] FIELD_M = {'m'};
  private static final byte[] FIELD_E = {'e'};
  private static final byte[] NO_VALUE = {};

  /** Commands a cluster connection holds while a node connection is (re)connecting. */
  private static final int CLUSTER_QUEUE = 10_000;

  private final AbstractRedisClient client;
  /** The seed URIs: one for a single server, several for a cluster. */
  private final List<RedisURI> uris;
  private final boolean cluster;
  private final byte[] prefix;
  private final byte[] indexKey;
  /** {@code prefix} + {@code k:}: the start of every entry's key. */
  private final byte[] entryPrefix;
  private final @Nullable String passwordEnv;
  private final Function<String, @Nullable String> environment;
  private final Object lock = new Object();
  /** Lettuce's command timeout; while connecting, the deadline of a call. */
  private final Duration timeout;
  /**
   * Where a call that waited for the connection runs: Lettuce's computation threads, never its
   * I/O thread. The connection completes on the I/O thread, and a cluster connection's dispatch
   * may block that thread until a node connection opens, which needs the same thread: a deadlock
   * (seen in RedisClusterKvTest as a put and then a close that never returned).
   */
  private final java.util.concurrent.Executor afterConnect;
  /** The commands a thread holds back (see {@link #hold}); empty while it does not. */
  private final ThreadLocal<@Nullable Held> held = new ThreadLocal<>();
  private @Nullable CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connection;
  /** The open connection's commands once connected: the path of every call while it stays open. */
  private volatile @Nullable Ready ready;

  private record Ready(StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> commands) {}

  /**
   * @param url {@code redis://host:port[/db]} or {@code rediss://...} for TLS
   * @param passwordEnv the environment variable holding the password, or null for none
   * @param environment how the runner reads its environment (at use time)
   * @throws IllegalArgumentException if the URL is not a Redis URL (the message never repeats it)
   */
  public RedisKv(ClientResources resources, String url, String keyPrefix, @Nullable String passwordEnv,
      Function<String, @Nullable String> environment, Duration timeout) {
    this(resources, url, keyPrefix, passwordEnv, environment, timeout, null);
  }

  /**
   * As above, with the TLS settings of {@code rediss://} connections (null: the JDK's trusted
   * certificates).
   */
  RedisKv(ClientResources resources, String url, String keyPrefix, @Nullable String passwordEnv,
      Function<String, @Nullable String> environment, Duration timeout, io.lettuce.core.@Nullable SslOptions ssl) {
    requireNonNull(url, "url");
    requireNonNull(keyPrefix, "keyPrefix");
    this.timeout = requireNonNull(timeout, "timeout");
    this.afterConnect = resources.eventExecutorGroup();
    this.passwordEnv = passwordEnv == null || passwordEnv.isEmpty() ? null : passwordEnv;
    this.environment = requireNonNull(environment, "environment");
    String[] parts = url.split(",", -1);
    this.cluster = parts.length > 1;
    var parsed = new ArrayList<RedisURI>();
    for (String part : parts) {
      parsed.add(parse(part.strip(), timeout, cluster));
    }
    if (cluster && parsed.stream().map(RedisURI::isSsl).distinct().count() > 1) {
      throw new IllegalArgumentException("the Redis cluster URLs mix redis:// and rediss:// (expected: "
          + "one scheme for all nodes)");
    }
    this.uris = List.copyOf(parsed);
    this.prefix = (cluster ? clusterPrefix(keyPrefix) : keyPrefix).getBytes(StandardCharsets.UTF_8);
    this.indexKey = concat(prefix, "i".getBytes(StandardCharsets.UTF_8));
    this.entryPrefix = concat(prefix, "k:".getBytes(StandardCharsets.UTF_8));
    var socket = SocketOptions.builder().connectTimeout(timeout).build();
    if (cluster) {
      var c = RedisClusterClient.create(resources, uris);
      var options = ClusterClientOptions.builder()
          .autoReconnect(true)
          // Node connections open lazily, on the first command for that node: commands wait for
          // them (bounded by the command timeout and the queue size) instead of failing at once.
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
          .requestQueueSize(CLUSTER_QUEUE)
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .socketOptions(socket)
          // Follow slot moves and failovers as the cluster reports them (MOVED, ASK, reconnects).
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
              .enableAllAdaptiveRefreshTriggers().build());
      if (ssl != null) {
        options.sslOptions(ssl);
      }
      c.setOptions(options.build());
      this.client = c;
    } else {
      var c = RedisClient.create(resources, uris.getFirst());
      var options = ClientOptions.builder()
          .autoReconnect(true)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .socketOptions(socket);
      if (ssl != null) {
        options.sslOptions(ssl);
      }
      c.setOptions(options.build());
      this.client = c;
    }
  }

  /** One node's URL, with the password provider attached; the message never repeats the URL. */
  private RedisURI parse(String url, Duration timeout, boolean inCluster) {
    RedisURI parsed;
    try {
      parsed = RedisURI.create(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the Redis URL is not valid (expected: redis://HOST:PORT[/DB] "
          + "or rediss://..., or a comma-separated list of them for a cluster)");
    }
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new IllegalArgumentException("the Redis URL is not valid (expected: redis://HOST:PORT[/DB] "
          + "or rediss://..., or a comma-separated list of them for a cluster)");
    }
    String userInfo;
    try {
      userInfo = java.net.URI.create(url).getRawUserInfo();
    } catch (IllegalArgumentException e) {
      userInfo = null;
    }
    if (userInfo != null && userInfo.contains(":")) {
      throw new IllegalArgumentException("the Redis URL carries a password; name an environment "
          + "variable in passwordEnv instead, so the password stays out of the config");
    }
    if (inCluster && parsed.getDatabase() != 0) {
      throw new IllegalArgumentException("a Redis cluster has only database 0 (expected: no /DB in "
          + "cluster URLs)");
    }
    String username = userInfo == null || userInfo.isEmpty() ? null : userInfo;
    RedisURI.Builder b = RedisURI.builder(parsed).withTimeout(timeout);
    if (this.passwordEnv != null) {
      String var = this.passwordEnv;
      Function<String, @Nullable String> env = environment;
      b.withAuthentication(RedisCredentialsProvider.from(() -> {
        String password = env.apply(var);
        return RedisCredentials.just(username, password == null ? "" : password);
      }));
    }
    return b.build();
  }

  /**
   * The key prefix of a namespace in a cluster: one hash tag for all of its keys, so that its
   * scripts and its index stay in one slot.
   */
  static String clusterPrefix(String keyPrefix) {
    if (!keyPrefix.isEmpty() && keyPrefix.indexOf('{') < 0 && keyPrefix.indexOf('}') < 0) {
      return "{" + keyPrefix + "}";
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyPrefix.getBytes(StandardCharsets.UTF_8));
      return "{" + HexFormat.of().formatHex(digest, 0, 8) + "}" + keyPrefix;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private byte[] dataKey(byte[] key) {
    return concat(entryPrefix, key);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The connection's commands, (re)connecting if there is none. */
  private CompletionStage<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
    return connect().thenApplyAsync(Ready::commands, afterConnect);
  }

  /** The connection, (re)connecting if there is none; a failed attempt is forgotten. */
  @SuppressWarnings("unchecked")
  private CompletionStage<Ready> connect() {
    if (passwordEnv != null && environment.apply(passwordEnv) == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the environment variable "
          + passwordEnv + " named by passwordEnv is not set"));
    }
    CompletableFuture<? extends StatefulConnection<byte[], byte[]>> c;
    synchronized (lock) {
      c = connection;
      if (c == null || (c.isDone() && (c.isCompletedExceptionally() || !c.join().isOpen()))) {
        ready = null;
        if (cluster) {
          // Learn the topology from the seed nodes first (connectAsync does not, by itself).
          var cc = (RedisClusterClient) client;
          c = cc.refreshPartitionsAsync().toCompletableFuture()
              .thenCompose(x -> cc.connectAsync(ByteArrayCodec.INSTANCE));
        } else {
          c = ((RedisClient) client).connectAsync(ByteArrayCodec.INSTANCE, uris.getFirst()).toCompletableFuture();
        }
        connection = c;
        CompletableFuture<? extends StatefulConnection<byte[], byte[]>> attempt = c;
        c.whenComplete((conn, error) -> {
          if (error != null) {
            synchronized (lock) {
              if (connection == attempt) {
                connection = null;
              }
            }
          }
        });
      }
    }
    CompletableFuture<? extends StatefulConnection<byte[], byte[]>> current = c;
    return c.thenApply(conn -> {
      RedisClusterAsyncCommands<byte[], byte[]> commands = conn instanceof StatefulRedisClusterConnection<?, ?> cc
          ? ((StatefulRedisClusterConnection<byte[], byte[]>) cc).async()
          : ((StatefulRedisConnection<byte[], byte[]>) conn).async();
      var r = new Ready(conn, commands);
      synchronized (lock) {
        if (connection == current) {
          ready = r;
        }
      }
      return r;
    });
  }

  /**
   * Runs {@code call} on the connection: at once while the connection is open (no stage and no
   * lock per call), else once {@link #commands} has (re)connected, within the timeout. The
   * password variable is checked on every call either way.
   */
  private <T> CompletionStage<T> withReady(Function<Ready, ? extends CompletionStage<T>> call) {
    Ready r = ready;
    if (r != null && r.connection().isOpen() && (passwordEnv == null || environment.apply(passwordEnv) != null)) {
      try {
        return call.apply(r);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return connect().thenComposeAsync(call, afterConnect).toCompletableFuture()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Holds the commands this thread issues from now on, until it calls {@link Held#send}: they
   * then go to Redis in one write. Commands issued on other threads (Lettuce's, for a retry)
   * are sent at once. The caller must send (in a finally): a held command is not sent otherwise.
   * Nothing is held while a call waits for the connection. A thread that holds already gets
   * the same batch.
   */
  @Override public Held hold() {
    Held h = held.get();
    if (h == null) {
      h = new Held();
      held.set(h);
    }
    return h;
  }

  /** Commands one thread holds back; see {@link #hold}. Confined to that thread. */
  public final class Held implements Batch {
    private final ArrayList<RedisCommand<byte[], byte[], ?>> commands = new ArrayList<>();
    private @Nullable StatefulConnection<byte[], byte[]> connection;
    /**
     * The index update of the puts held since the last delete: one {@code ZADD} naming each of
     * their keys, written after all of their {@code SET}s (see {@link #listAfter}).
     */
    private @Nullable AsyncCommand<byte[], byte[], Long> listing;
    /** The keys {@link #listing} names, once it names more than one. */
    private @Nullable HashSet<ByteBuffer> listed;
    private byte @Nullable [] firstListed;

    private Held() {}

    /**
     * The index update that lists {@code member} after the {@code SET} just held: one shared
     * {@code ZADD} for the puts of this batch. Sharing it keeps the order the index relies on
     * (each key's {@code SET} before the {@code ZADD} naming it, on one connection) and saves
     * Redis and Lettuce a command per put.
     */
    CompletableFuture<Long> listAfter(byte[] member) {
      var z = listing;
      if (z == null) {
        z = new AsyncCommand<>(new Command<>(CommandType.ZADD, new IntegerOutput<>(ByteArrayCodec.INSTANCE),
            new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(indexKey).add(0L).addValue(member)));
        listing = z;
        firstListed = member;
        return z;
      }
      var seen = listed;
      if (seen == null) {
        byte[] first = requireNonNull(firstListed);
        if (Arrays.equals(first, member)) {
          return z;
        }
        seen = new HashSet<>();
        seen.add(ByteBuffer.wrap(first));
        listed = seen;
      }
      if (seen.add(ByteBuffer.wrap(member))) {
        z.getArgs().add(0L).addValue(member);
      }
      return z;
    }

    /** Puts the pending index update in line, after the {@code SET}s it follows. */
    private void closeListing() {
      var z = listing;
      if (z != null) {
        commands.add(z);
        listing = null;
        listed = null;
        firstListed = null;
      }
    }

    /** Sends what is held, in one write, and stops holding. Never throws: a failure fails the commands. */
    @Override public void send() {
      held.remove();
      closeListing();
      if (commands.isEmpty()) {
        return;
      }
      StatefulConnection<byte[], byte[]> c = requireNonNull(connection);
      var all = commands.size() == 1 ? null : new ArrayList<>(commands);
      RedisCommand<byte[], byte[], ?> one = commands.getFirst();
      commands.clear();
      connection = null;
      try {
        if (all == null) {
          c.dispatch(one);
        } else {
          c.dispatch(all);
        }
      } catch (RuntimeException e) {
        if (all == null) {
          one.completeExceptionally(e);
        } else {
          all.forEach(x -> x.completeExceptionally(e));
        }
      }
    }
  }

  /** This thread's batch if it holds one for {@code r}'s connection (and binds it to that connection). */
  private @Nullable Held heldFor(Ready r) {
    Held h = held.get();
    if (h != null && (h.connection == null || h.connection == r.connection())) {
      h.connection = r.connection();
      return h;
    }
    return null;
  }

  /** Sends {@code command} now, or holds it if this thread holds (and all it holds is for the same connection). */
  private void send(Ready r, RedisCommand<byte[], byte[], ?> command) {
    Held h = heldFor(r);
    if (h != null) {
      h.commands.add(command);
    } else {
      r.connection().dispatch(command);
    }
  }

  /** Sends {@code first} and {@code second} in this order, in one write, or holds them both. */
  private void send(Ready r, RedisCommand<byte[], byte[], ?> first, RedisCommand<byte[], byte[], ?> second) {
    Held h = heldFor(r);
    if (h != null) {
      // A delete's ZREM goes after the index update of the puts held before it, as it would
      // have had each put sent its own.
      h.closeListing();
      h.commands.add(first);
      h.commands.add(second);
    } else {
      r.connection().dispatch(List.of(first, second));
    }
  }

  /**
   * Lettuce's timeouts, as {@link KvNamespace} words them: a command's, and a connection that
   * opened but did not finish its handshake in time or did not open in time (a call that joins a
   * connection attempt begun before it, such as the one {@link #prepare} starts, fails with that
   * attempt's error rather than its own deadline).
   */
  private static Throwable timeoutAsJdk(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof RedisCommandTimeoutException || c instanceof io.netty.channel.ConnectTimeoutException) {
        return new TimeoutException(c.getMessage());
      }
    }
    return t;
  }

  @Override public @Nullable Duration callTimeout() {
    return timeout;
  }

  @Override public CompletionStage<@Nullable KvEntry> get(String key, long nowSeconds) {
    byte[] k = dataKey(utf8(key));
    CompletionStage<byte[]> read = withReady(r -> {
      var c = new AsyncCommand<>(new Command<>(CommandType.GET, new ValueOutput<>(ByteArrayCodec.INSTANCE),
          new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(k)));
      send(r, c);
      return c;
    });
    return orLegacy(read, bytes -> {
      KvEntry entry = bytes == null ? null : decode(bytes);
      return entry == null || entry.expiredAt(nowSeconds) ? null : entry;
    }, () -> commands().thenCompose(r -> r.hmget(k, FIELD_V, FIELD_M, FIELD_E)).thenApply(fields -> {
      KvEntry entry = legacyEntry(fields.get(0), fields.get(1), fields.get(2));
      return entry == null || entry.expiredAt(nowSeconds) ? null : entry;
    }));
  }

  /**
   * What {@code read} answers, mapped by {@code decode}; where the key holds an entry in the
   * earlier hash form (Redis answers WRONGTYPE), what {@code legacy} answers instead. Errors as
   * {@link KvNamespace} expects them: Lettuce's timeout as a {@link TimeoutException}.
   */
  private static <T> CompletableFuture<T> orLegacy(CompletionStage<byte[]> read,
      Function<byte @Nullable [], T> decode, Supplier<CompletionStage<T>> legacy) {
    var out = new CompletableFuture<T>();
    read.whenComplete((bytes, error) -> {
      if (error == null) {
        try {
          out.complete(decode.apply(bytes));
        } catch (RuntimeException e) {
          out.completeExceptionally(e);
        }
        return;
      }
      Throwable t = timeoutAsJdk(error);
      if (!(t instanceof RedisCommandExecutionException && t.getMessage() != null
          && t.getMessage().startsWith("WRONGTYPE"))) {
        out.completeExceptionally(new CompletionException(t));
        return;
      }
      legacy.get().whenComplete((value, e) -> {
        if (e == null) {
          out.complete(value);
        } else {
          out.completeExceptionally(new CompletionException(timeoutAsJdk(e)));
        }
      });
    });
    return out;
  }

  /** An entry stored as a hash by earlier versions (fields v, m, e); null when it has no value. */
  private static @Nullable KvEntry legacyEntry(KeyValue<byte[], byte[]> v, KeyValue<byte[], byte[]> m,
      KeyValue<byte[], byte[]> e) {
    if (!v.hasValue()) {
      return null;
    }
    return new KvEntry(v.getValue(), m.hasValue() ? new String(m.getValue(), StandardCharsets.UTF_8) : null,
        e.hasValue() ? Long.parseLong(new String(e.getValue(), StandardCharsets.US_ASCII)) : 0);
  }

  /*
   * The stored form of an entry: one byte FORMAT, the expiration (epoch seconds, 0: never; 8
   * bytes, big-endian), the metadata's length in bytes (4 bytes; -1: no metadata), the metadata
   * as UTF-8 JSON, then the value's bytes. A listing reads the first HEADER + MAX_METADATA_BYTES
   * bytes only.
   */

  /** The first byte of every entry this version writes. */
  private static final byte FORMAT = 1;
  /** The bytes before the metadata. */
  private static final int HEADER = 13;

  /** The stored form of {@code entry}, whose metadata is {@code meta} (UTF-8; null for none). */
  private static byte[] encode(KvEntry entry, byte @Nullable [] meta) {
    var out = ByteBuffer.allocate(HEADER + (meta == null ? 0 : meta.length) + entry.value().length);
    out.put(FORMAT).putLong(entry.expiration()).putInt(meta == null ? -1 : meta.length);
    if (meta != null) {
      out.put(meta);
    }
    return out.put(entry.value()).array();
  }

  /** The entry {@link #encode} wrote. */
  static KvEntry decode(byte[] bytes) {
    int metaLength = metadataLength(bytes, bytes.length);
    int at = HEADER + Math.max(0, metaLength);
    return new KvEntry(Arrays.copyOfRange(bytes, at, bytes.length), metadata(bytes, metaLength),
        ByteBuffer.wrap(bytes, 1, 8).getLong());
  }

  /**
   * The metadata's length in an entry's first bytes ({@code head}, of an entry {@code size}
   * bytes long or longer), -1 for none.
   *
   * @throws IllegalStateException if the bytes are not an entry this version wrote
   */
  private static int metadataLength(byte[] head, long size) {
    int metaLength = head.length >= HEADER ? ByteBuffer.wrap(head, 9, 4).getInt() : -2;
    if (metaLength < -1 || head[0] != FORMAT || HEADER + (long) metaLength > size
        || ByteBuffer.wrap(head, 1, 8).getLong() < 0) {
      throw new IllegalStateException("an entry in Redis is not in a form this runner reads (written by "
          + "another program, or by a newer version)");
    }
    return metaLength;
  }

  private static @Nullable String metadata(byte[] bytes, int metaLength) {
    return metaLength < 0 ? null : new String(bytes, HEADER, metaLength, StandardCharsets.UTF_8);
  }

  @Override public CompletionStage<Void> put(String key, KvEntry entry) {
    String json = entry.metadataJson();
    byte[] meta = json == null ? null : utf8(json);
    if (meta != null && meta.length > KvNamespace.MAX_METADATA_BYTES) {
      // A namespace refuses such metadata before it gets here; listings read no more than this.
      return CompletableFuture.failedFuture(new IllegalArgumentException("metadata over "
          + KvNamespace.MAX_METADATA_BYTES + " bytes"));
    }
    byte[] member = utf8(key);
    byte[] k = dataKey(member);
    byte[] data = encode(entry, meta);
    long ttlMillis = entry.expiration() == 0 ? 0
        : Math.max(1, entry.expiration() * 1000 - System.currentTimeMillis());
    return withReady(r -> {
      // SET first, then ZADD (see the class comment): plain SET also drops an earlier time to live.
      var setArgs = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(k).addValue(data);
      if (ttlMillis > 0) {
        setArgs.add("PX").add(ttlMillis);
      }
      var written = new AsyncCommand<>(new Command<>(CommandType.SET,
          new StatusOutput<>(ByteArrayCodec.INSTANCE), setArgs));
      Held h = heldFor(r);
      if (h != null) {
        h.commands.add(written);
        return written.thenCombine(h.listAfter(member), (a, b) -> null);
      }
      var listed = new AsyncCommand<>(new Command<>(CommandType.ZADD, new IntegerOutput<>(ByteArrayCodec.INSTANCE),
          new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(indexKey).add(0L).addValue(member)));
      r.connection().dispatch(List.of(written, listed));
      return CompletableFuture.allOf(written, listed);
    }).handle(RedisKv::done);
  }

  @Override public CompletionStage<Void> delete(String key) {
    byte[] member = utf8(key);
    byte[] k = dataKey(member);
    return withReady(r -> {
      // ZREM first, then DEL (see the class comment).
      var unlisted = new AsyncCommand<>(new Command<>(CommandType.ZREM, new IntegerOutput<>(ByteArrayCodec.INSTANCE),
          new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(indexKey).addValue(member)));
      var deleted = new AsyncCommand<>(new Command<>(CommandType.DEL, new IntegerOutput<>(ByteArrayCodec.INSTANCE),
          new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(k)));
      send(r, unlisted, deleted);
      return CompletableFuture.allOf(unlisted, deleted);
    }).handle(RedisKv::done);
  }

  private static @Nullable Void done(@Nullable Void x, @Nullable Throwable error) {
    if (error != null) {
      throw new CompletionException(timeoutAsJdk(error));
    }
    return null;
  }

  @Override public CompletionStage<KvPage> list(String prefix, @Nullable String after, int limit,
      long nowSeconds) {
    byte[] p = utf8(prefix);
    Range.Boundary<byte[]> from = after != null ? Range.Boundary.excluding(utf8(after))
        : p.length == 0 ? Range.Boundary.unbounded() : Range.Boundary.including(p);
    return commands().thenCompose(r -> page(r, p, from, limit, nowSeconds, new ArrayList<>()));
  }

  /** Reads index members from {@code from} until {@code limit} live keys and one more are seen. */
  private CompletionStage<KvPage> page(RedisClusterAsyncCommands<byte[], byte[]> r, byte[] p,
      Range.Boundary<byte[]> from, int limit, long now, List<KvPage.Key> keys) {
    int batch = limit - keys.size() + 1;
    return r.zrangebylex(indexKey, Range.from(from, Range.Boundary.unbounded()), Limit.create(0, batch))
        .thenCompose(members -> {
          var inPrefix = new ArrayList<byte[]>();
          boolean endOfPrefix = members.size() < batch;
          for (byte[] m : members) {
            if (!startsWith(m, p)) {
              endOfPrefix = true;
              break;
            }
            inPrefix.add(m);
          }
          var reads = new ArrayList<CompletableFuture<@Nullable KvEntry>>();
          for (byte[] m : inPrefix) {
            reads.add(header(r, dataKey(m)));
          }
          boolean end = endOfPrefix;
          return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(x -> {
            for (int i = 0; i < inPrefix.size(); i++) {
              byte[] m = inPrefix.get(i);
              KvEntry head = reads.get(i).join();
              if (head == null) {
                // The entry expired in Redis (or was deleted under us): drop the stale member.
                // Plain EVAL (rare, and not awaited): sent before this page completes, so it
                // reaches Redis ahead of whatever the caller sends next.
                r.eval(DROP_STALE, ScriptOutputType.INTEGER, new byte[][] {dataKey(m), indexKey}, m);
                continue;
              }
              long expiration = head.expiration();
              if (head.expiredAt(now)) {
                continue;
              }
              if (keys.size() == limit) {
                return CompletableFuture.completedFuture(new KvPage(keys, false));
              }
              keys.add(new KvPage.Key(new String(m, StandardCharsets.UTF_8), expiration, head.metadataJson()));
            }
            if (end || inPrefix.isEmpty()) {
              return CompletableFuture.completedFuture(new KvPage(keys, true));
            }
            byte[] last = inPrefix.get(inPrefix.size() - 1);
            return page(r, p, Range.Boundary.excluding(last), limit, now, keys);
          });
        });
  }

  /**
   * The expiration and metadata of the entry at {@code k}, with an empty value (the value is not
   * read); null when the entry is gone.
   */
  private CompletableFuture<@Nullable KvEntry> header(RedisClusterAsyncCommands<byte[], byte[]> r, byte[] k) {
    return orLegacy(r.getrange(k, 0, HEADER + KvNamespace.MAX_METADATA_BYTES - 1), bytes -> {
      if (bytes == null || bytes.length == 0) {
        return null; // GETRANGE answers "" for a missing key
      }
      int metaLength = metadataLength(bytes, bytes.length);
      return new KvEntry(NO_VALUE, metadata(bytes, metaLength), ByteBuffer.wrap(bytes, 1, 8).getLong());
    }, () -> r.hmget(k, FIELD_M, FIELD_E).thenApply(f -> f.get(1).hasValue()
        ? new KvEntry(NO_VALUE, f.get(0).hasValue() ? new String(f.get(0).getValue(), StandardCharsets.UTF_8) : null,
            Long.parseLong(new String(f.get(1).getValue(), StandardCharsets.US_ASCII)))
        : null));
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * Connects and sends a {@code PING}, so that the first call finds the connection open and the
   * command path loaded (in a cold process both cost a worker's first request hundreds of
   * milliseconds of its CPU allowance).
   */
  @Override public CompletionStage<Void> prepare() {
    return connect().thenCompose(r -> r.commands().ping()).thenApply(pong -> (Void) null);
  }

  /** Whether a connection is open now (tests). */
  boolean connected() {
    Ready r = ready;
    return r != null && r.connection().isOpen();
  }

  @Override public String describe() {
    // Workers see this in errors: the address, never the key prefix (other tenants' naming) or
    // any credential.
    if (!cluster) {
      return "Redis " + uris.getFirst().getHost() + ":" + uris.getFirst().getPort();
    }
    var nodes = new StringBuilder("Redis cluster ");
    for (RedisURI u : uris) {
      nodes.append(nodes.length() > 14 ? "," : "").append(u.getHost()).append(':').append(u.getPort());
    }
    return nodes.toString();
  }

  @Override public void close() {
    CompletableFuture<? extends StatefulConnection<byte[], byte[]>> c;
    synchronized (lock) {
      c = connection;
      connection = null;
      ready = null;
    }
    if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
      c.join().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
