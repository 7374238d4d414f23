package dev.capmesh.runner.kv;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
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
import io.lettuce.core.output.KeyValueListOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A KV namespace in Redis, through Lettuce. Everything lives under the namespace's key prefix:
 * each entry is a hash at {@code PREFIX k:KEY} (fields {@code v} value, {@code m} metadata,
 * {@code e} expiration in epoch seconds), and the sorted set {@code PREFIX i} lists the keys
 * (score 0, so Redis orders them by their bytes: {@code ZRANGEBYLEX} gives Workers KV's order).
 * Writes are Lua scripts, so an entry and its index change together. Expiry is exact on read
 * (the {@code e} field is compared with the runner's clock); Redis's own expiry, set to the same
 * time to live, reclaims the memory, and listings drop index members whose entry is gone.
 *
 * <p>A comma-separated list of URLs is a Redis Cluster (its seed nodes; the rest of the cluster
 * is discovered). Scripts touch an entry and its index together, and listings walk the index,
 * so every key of a namespace carries one hash tag and lives in one slot: the namespace's key
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
  private static final String PUT = """
      redis.call('DEL', KEYS[1])
      redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', ARGV[4])
      if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'm', ARGV[3]) end
      if ARGV[5] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
      redis.call('ZADD', KEYS[2], 0, ARGV[6])
      return 1
      """;
  private static final String DELETE = """
      redis.call('DEL', KEYS[1])
      redis.call('ZREM', KEYS[2], ARGV[1])
      return 1
      """;
  /** Removes an index member only if its entry is still gone (a put may have raced). */
  private static final String DROP_STALE = """
      if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end
      return 1
      """;

  private static final Script PUT_SCRIPT = new Script(PUT);
  private static final Script DELETE_SCRIPT = new Script(DELETE);
  private static final byte[] FIELD_V = {'v'};
  private static final byte[] FIELD_M = {'m'};
  private static final byte[] FIELD_E = {'e'};
  private static final byte[] FLAG_0 = {'0'};
  private static final byte[] FLAG_1 = {'1'};
  private static final byte[] EMPTY = {};
  private static final List<byte[]> GET_FIELDS = List.of(FIELD_V, FIELD_M, FIELD_E);

  /**
   * A Lua script run by its SHA-1 (EVALSHA: Redis neither receives nor hashes the text on each
   * call); where the server does not have it yet (NOSCRIPT: first use, a restart, SCRIPT FLUSH,
   * another cluster node), it is sent once with EVAL, which also caches it there.
   */
  private record Script(String text, byte[] textBytes, String sha) {
    Script(String text) {
      this(text, text.getBytes(StandardCharsets.UTF_8), sha1(text));
    }

    private static String sha1(String text) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
            .digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }

    /**
     * Runs the script on {@code ready}'s connection; the EVALSHA is held back when the thread
     * holds (see {@link RedisKv#hold}), the EVAL after a NOSCRIPT is sent at once.
     */
    CompletionStage<Long> run(Ready ready, RedisKv kv, byte[][] keys, byte[]... args) {
      var a = new CommandArgs<>(ByteArrayCodec.INSTANCE).add(sha).add(keys.length).addKeys(keys).addValues(args);
      var c = new AsyncCommand<>(new Command<>(CommandType.EVALSHA, new IntegerOutput<>(ByteArrayCodec.INSTANCE), a));
      kv.send(ready, c);
      return c.exceptionallyCompose(e -> noScript(e)
          ? ready.commands().<Long>eval(textBytes, ScriptOutputType.INTEGER, keys, args)
          : CompletableFuture.failedFuture(e));
    }

    private static boolean noScript(Throwable e) {
      Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
          ? e.getCause() : e;
      return t instanceof io.lettuce.core.RedisNoScriptException
          || t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
    }
  }

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

  private static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /** The connection's commands, (re)connecting if there is none. */
  private CompletionStage<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
    return connect().thenApply(Ready::commands);
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
    return connect().thenCompose(call).toCompletableFuture()
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

    private Held() {}

    /** Sends what is held, in one write, and stops holding. Never throws: a failure fails the commands. */
    @Override public void send() {
      held.remove();
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

  /** Sends {@code command} now, or holds it if this thread holds (and all it holds is for the same connection). */
  private void send(Ready r, RedisCommand<byte[], byte[], ?> command) {
    Held h = held.get();
    if (h != null && (h.connection == null || h.connection == r.connection())) {
      h.connection = r.connection();
      h.commands.add(command);
    } else {
      r.connection().dispatch(command);
    }
  }

  /** Lettuce's timeout of a command, as {@link KvNamespace} words it. */
  private static Throwable timeoutAsJdk(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t instanceof RedisCommandTimeoutException ? new TimeoutException(t.getMessage()) : t;
  }

  @Override public @Nullable Duration callTimeout() {
    return timeout;
  }

  @Override public CompletionStage<@Nullable KvEntry> get(String key, long nowSeconds) {
    byte[] k = dataKey(utf8(key));
    return withReady(r -> {
      var c = new AsyncCommand<>(new Command<>(CommandType.HMGET,
          new KeyValueListOutput<>(ByteArrayCodec.INSTANCE, GET_FIELDS),
          new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(k).addKeys(FIELD_V, FIELD_M, FIELD_E)));
      send(r, c);
      return c;
    }).handle((fields, error) -> {
          if (error != null) {
            throw new CompletionException(timeoutAsJdk(error));
          }
          byte[] value = fieldValue(fields, 0);
          if (value == null) {
            return null;
          }
          byte[] meta = fieldValue(fields, 1);
          byte[] e = fieldValue(fields, 2);
          var entry = new KvEntry(value, meta == null ? null : new String(meta, StandardCharsets.UTF_8),
              e == null ? 0 : Long.parseLong(new String(e, StandardCharsets.US_ASCII)));
          return entry.expiredAt(nowSeconds) ? null : entry;
        });
  }

  private static byte @Nullable [] fieldValue(List<KeyValue<byte[], byte[]>> fields, int i) {
    KeyValue<byte[], byte[]> kv = fields.get(i);
    return kv.hasValue() ? kv.getValue() : null;
  }

  @Override public CompletionStage<Void> put(String key, KvEntry entry) {
    byte[] member = utf8(key);
    long ttlMillis = 0;
    if (entry.expiration() != 0) {
      ttlMillis = Math.max(1, entry.expiration() * 1000 - System.currentTimeMillis());
    }
    byte[][] args = {entry.value(), entry.metadataJson() == null ? FLAG_0 : FLAG_1,
        entry.metadataJson() == null ? EMPTY : utf8(entry.metadataJson()),
        ascii(entry.expiration()), ascii(ttlMillis), member};
    byte[][] keys = {dataKey(member), indexKey};
    return withReady(r -> PUT_SCRIPT.run(r, this, keys, args)).handle(RedisKv::done);
  }

  @Override public CompletionStage<Void> delete(String key) {
    byte[] member = utf8(key);
    byte[][] keys = {dataKey(member), indexKey};
    return withReady(r -> DELETE_SCRIPT.run(r, this, keys, member)).handle(RedisKv::done);
  }

  private static @Nullable Void done(@Nullable Long x, @Nullable Throwable error) {
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
          var reads = new ArrayList<CompletableFuture<List<KeyValue<byte[], byte[]>>>>();
          for (byte[] m : inPrefix) {
            reads.add(r.hmget(dataKey(m), FIELD_M, FIELD_E).toCompletableFuture());
          }
          boolean end = endOfPrefix;
          return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(x -> {
            for (int i = 0; i < inPrefix.size(); i++) {
              byte[] m = inPrefix.get(i);
              List<KeyValue<byte[], byte[]>> f = reads.get(i).join();
              byte[] e = fieldValue(f, 1);
              if (e == null) {
                // The entry expired in Redis (or was deleted under us): drop the stale member.
                // Plain EVAL (rare, and not awaited): sent before this page completes, so it
                // reaches Redis ahead of whatever the caller sends next.
                r.eval(DROP_STALE, ScriptOutputType.INTEGER, new byte[][] {dataKey(m), indexKey}, m);
                continue;
              }
              long expiration = Long.parseLong(new String(e, StandardCharsets.US_ASCII));
              if (expiration != 0 && expiration <= now) {
                continue;
              }
              if (keys.size() == limit) {
                return CompletableFuture.completedFuture(new KvPage(keys, false));
              }
              byte[] meta = fieldValue(f, 0);
              keys.add(new KvPage.Key(new String(m, StandardCharsets.UTF_8), expiration,
                  meta == null ? null : new String(meta, StandardCharsets.UTF_8)));
            }
            if (end || inPrefix.isEmpty()) {
              return CompletableFuture.completedFuture(new KvPage(keys, true));
            }
            byte[] last = inPrefix.get(inPrefix.size() - 1);
            return page(r, p, Range.Boundary.excluding(last), limit, now, keys);
          });
        });
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
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
