package dev.capmesh.runner.kv;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;

/**
 * The Redis tests use: {@code REDIS_URL}, else 127.0.0.1:6379. Each test works under its own
 * unique key prefix and removes its keys afterwards.
 */
public final class TestRedis implements AutoCloseable {
  public static final String URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
  private final RedisClient client = RedisClient.create(URL);
  private final StatefulRedisConnection<String, String> connection = client.connect();
  public final String prefix = "capmesh-test:" + UUID.randomUUID() + ":";

  /** Raw commands, to look at what the runner wrote. */
  public RedisCommands<String, String> sync() {
    return connection.sync();
  }

  /** A further unique prefix for a second namespace. */
  public String prefix(String suffix) {
    return prefix + suffix + ":";
  }

  @Override public void close() {
    RedisCommands<String, String> r = connection.sync();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      var page = r.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
      if (!page.getKeys().isEmpty()) {
        r.del(page.getKeys().toArray(String[]::new));
      }
      cursor = page;
    } while (!cursor.isFinished());
    connection.close();
    client.shutdown();
  }
}
