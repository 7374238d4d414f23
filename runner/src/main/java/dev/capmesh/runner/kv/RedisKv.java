package dev.capmesh.runner.kv;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * <p>The password is read from the runner's environment each time a connection authenticates
 * (a rotated password is picked up on the next reconnect). While Redis is unreachable, calls
 * fail at once (no queueing) and the next call tries to connect again. Thread-safe; never
 * blocks (Lettuce completes on its own event loops).
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

  private final RedisClient client;
  private final RedisURI uri;
  private final byte[] prefix;
  private final byte[] indexKey;
  private final @Nullable String passwordEnv;
  private final Function<String, @Nullable String> environment;
  private final Object lock = new Object();
  private @Nullable CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection;

  /**
   * @param url {@code redis://host:port[/db]} or {@code rediss://...} for TLS
   * @param passwordEnv the environment variable holding the password, or null for none
   * @param environment how the runner reads its environment (at use time)
   * @throws IllegalArgumentException if the URL is not a Redis URL (the message never repeats it)
   */
  public RedisKv(ClientResources resources, String url, String keyPrefix, @Nullable String passwordEnv,
      Function<String, @Nullable String> environment, Duration timeout) {
    requireNonNull(url, "url");
    if (url.contains(",")) {
      throw new IllegalArgumentException("Redis cluster URLs (a comma-separated list) are not "
          + "supported by this runner yet; give one redis:// URL");
    }
    RedisURI parsed;
    try {
      parsed = RedisURI.create(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the Redis URL is not valid (expected: redis://HOST:PORT[/DB] "
          + "or rediss://...)");
    }
    String userInfo;
    try {
      userInfo = java.net.URI.create(url).getRawUserInfo();
    } catch (IllegalArgumentException e) {
      userInfo = null;
    }
    String username = userInfo == null || userInfo.isEmpty() ? null
        : userInfo.contains(":") ? userInfo.substring(0, userInfo.indexOf(':')) : userInfo;
    if (userInfo != null && userInfo.contains(":")) {
      throw new IllegalArgumentException("the Redis URL carries a password; name an environment "
          + "variable in passwordEnv instead, so the password stays out of the config");
    }
    RedisURI.Builder b = RedisURI.builder(parsed).withTimeout(timeout);
    this.passwordEnv = passwordEnv == null || passwordEnv.isEmpty() ? null : passwordEnv;
    this.environment = requireNonNull(environment, "environment");
    if (this.passwordEnv != null) {
      String var = this.passwordEnv;
      b.withAuthentication(RedisCredentialsProvider.from(() -> {
        String password = environment.apply(var);
        return RedisCredentials.just(username == null || username.isEmpty() ? null : username, password == null ? "" : password);
      }));
    }
    this.uri = b.build();
    requireNonNull(keyPrefix, "keyPrefix");
    this.prefix = keyPrefix.getBytes(StandardCharsets.UTF_8);
    this.indexKey = concat(prefix, "i".getBytes(StandardCharsets.UTF_8));
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
        .build());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private byte[] dataKey(byte[] key) {
    return concat(concat(prefix, "k:".getBytes(StandardCharsets.UTF_8)), key);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /** The connection, (re)connecting if there is none; a failed attempt is forgotten. */
  private CompletionStage<RedisAsyncCommands<byte[], byte[]>> commands() {
    if (passwordEnv != null && environment.apply(passwordEnv) == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the environment variable "
          + passwordEnv + " named by passwordEnv is not set"));
    }
    CompletableFuture<StatefulRedisConnection<byte[], byte[]>> c;
    synchronized (lock) {
      c = connection;
      if (c == null || (c.isDone() && (c.isCompletedExceptionally() || !c.join().isOpen()))) {
        c = client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
        connection = c;
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> attempt = c;
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
    return c.thenApply(StatefulRedisConnection::async);
  }

  @Override public CompletionStage<@Nullable KvEntry> get(String key, long nowSeconds) {
    byte[] k = dataKey(utf8(key));
    return commands().thenCompose(r -> r.hmget(k, utf8("v"), utf8("m"), utf8("e")))
        .thenApply(fields -> {
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
    byte[][] args = {entry.value(), utf8(entry.metadataJson() == null ? "0" : "1"),
        entry.metadataJson() == null ? new byte[0] : utf8(entry.metadataJson()),
        ascii(entry.expiration()), ascii(ttlMillis), member};
    return commands().thenCompose(r -> r.<Long>eval(PUT, ScriptOutputType.INTEGER,
        new byte[][] {dataKey(member), indexKey}, args)).thenApply(x -> null);
  }

  @Override public CompletionStage<Void> delete(String key) {
    byte[] member = utf8(key);
    return commands().thenCompose(r -> r.<Long>eval(DELETE, ScriptOutputType.INTEGER,
        new byte[][] {dataKey(member), indexKey}, member)).thenApply(x -> null);
  }

  @Override public CompletionStage<KvPage> list(String prefix, @Nullable String after, int limit,
      long nowSeconds) {
    byte[] p = utf8(prefix);
    Range.Boundary<byte[]> from = after != null ? Range.Boundary.excluding(utf8(after))
        : p.length == 0 ? Range.Boundary.unbounded() : Range.Boundary.including(p);
    return commands().thenCompose(r -> page(r, p, from, limit, nowSeconds, new ArrayList<>()));
  }

  /** Reads index members from {@code from} until {@code limit} live keys and one more are seen. */
  private CompletionStage<KvPage> page(RedisAsyncCommands<byte[], byte[]> r, byte[] p,
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
            reads.add(r.hmget(dataKey(m), utf8("m"), utf8("e")).toCompletableFuture());
          }
          boolean end = endOfPrefix;
          return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(x -> {
            for (int i = 0; i < inPrefix.size(); i++) {
              byte[] m = inPrefix.get(i);
              List<KeyValue<byte[], byte[]>> f = reads.get(i).join();
              byte[] e = fieldValue(f, 1);
              if (e == null) {
                // The entry expired in Redis (or was deleted under us): drop the stale member.
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
    return "Redis " + uri.getHost() + ":" + uri.getPort();
  }

  @Override public void close() {
    CompletableFuture<StatefulRedisConnection<byte[], byte[]>> c;
    synchronized (lock) {
      c = connection;
      connection = null;
    }
    if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
      c.join().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
