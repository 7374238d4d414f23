package dev.capmesh.controlplane.store;

import static java.util.Objects.requireNonNull;

import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.RunnerPlan;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A store in Redis (through Lettuce) that several control-plane instances share. Keys, under
 * a prefix: {@code plan:FLEET:VERSION} (base64 protobuf), {@code fleet:FLEET} (JSON, replaced
 * by compare-and-set so concurrent writers never lose an update), {@code fleets} (a set of
 * names), {@code runners:FLEET} (a hash of runner id to JSON) and {@code leader} (the leading
 * instance's id, with a lease that the leader renews; when it dies, another instance takes it
 * once the lease ran out). Thread-safe.
 */
public final class RedisStore implements ControlStore {
  private static final String CAS = """
      local cur = redis.call('GET', KEYS[1])
      if (cur == false and ARGV[1] == '') or cur == ARGV[1] then
        redis.call('SET', KEYS[1], ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[3])
        return 1
      end
      return 0
      """;
  private static final String RENEW = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      end
      return 0
      """;
  private static final String RESIGN = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
      end
      return 0
      """;

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> redis;
  private final String prefix;
  private final String where;
  private final PlanCache plans = new PlanCache();

  private RedisStore(RedisClient client, StatefulRedisConnection<String, String> connection,
      String prefix, String where) {
    this.client = client;
    this.connection = connection;
    this.redis = connection.sync();
    this.prefix = prefix;
    this.where = where;
  }

  /**
   * Connects to {@code uri} ({@code redis://HOST:PORT/DB}) with keys under {@code prefix}.
   *
   * @throws StoreException if Redis cannot be reached
   */
  public static RedisStore open(String uri, String prefix) {
    requireNonNull(uri, "uri");
    requireNonNull(prefix, "prefix");
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new StoreException("the store is not a Redis URI (expected: redis://HOST:PORT/DB)", e);
    }
    String where = "redis://" + parsed.getHost() + ":" + parsed.getPort() + "/"
        + parsed.getDatabase() + " prefix \"" + prefix + "\"";
    RedisClient client = RedisClient.create(parsed);
    try {
      StatefulRedisConnection<String, String> c = client.connect();
      c.setTimeout(Duration.ofSeconds(5));
      return new RedisStore(client, c, prefix, where);
    } catch (RedisException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      throw new StoreException("cannot reach the store at " + where + ": " + e.getMessage(), e);
    }
  }

  private <T> T call(String what, java.util.function.Supplier<T> op) {
    try {
      return op.get();
    } catch (RedisException e) {
      throw new StoreException("store " + where + ": cannot " + what + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void putPlan(String fleet, RunnerPlan plan) {
    Names.checkFleet(fleet);
    PlanDigest.verify(plan);
    call("store a plan", () -> redis.set(prefix + "plan:" + fleet + ":" + plan.getVersion(),
        Base64.getEncoder().encodeToString(plan.toByteArray())));
    plans.put(fleet, plan);
  }

  @Override
  public Optional<RunnerPlan> plan(String fleet, String version) {
    String key = prefix + "plan:" + fleet + ":" + version;
    return plans.get(fleet, version, "store key " + key, "push the config again", () -> {
      String text = call("read a plan", () -> redis.get(key));
      return text == null ? null : Base64.getDecoder().decode(text);
    });
  }

  @Override
  public Optional<FleetRecord> fleet(String name) {
    String key = prefix + "fleet:" + name;
    String text = call("read a fleet", () -> redis.get(key));
    return text == null ? Optional.empty()
        : Optional.of(Json.read(text, FleetRecord.class, "store key " + key));
  }

  @Override
  public FleetRecord updateFleet(String name, UnaryOperator<FleetRecord> change) {
    Names.checkFleet(name);
    String key = prefix + "fleet:" + name;
    while (true) {
      String text = call("read a fleet", () -> redis.get(key));
      FleetRecord cur = text == null ? FleetRecord.empty(name)
          : Json.read(text, FleetRecord.class, "store key " + key);
      FleetRecord next = change.apply(cur);
      if (text != null && next.equals(cur)) {
        return cur;
      }
      String nextText = Json.write(next);
      Long ok = call("write a fleet", () -> redis.eval(CAS, ScriptOutputType.INTEGER,
          new String[] {key, prefix + "fleets"}, text == null ? "" : text, nextText, name));
      if (ok != null && ok == 1L) {
        return next;
      }
    }
  }

  @Override
  public List<String> fleetNames() {
    List<String> names = new ArrayList<>(call("list fleets", () -> redis.smembers(prefix + "fleets")));
    names.sort(null);
    return names;
  }

  @Override
  public void putRunner(RunnerRecord runner) {
    Names.checkFleet(runner.fleet());
    call("write a runner", () -> redis.hset(prefix + "runners:" + runner.fleet(), runner.id(),
        Json.write(runner)));
  }

  @Override
  public List<RunnerRecord> runners(String fleet) {
    String key = prefix + "runners:" + fleet;
    Map<String, String> all = call("read runners", () -> redis.hgetall(key));
    List<RunnerRecord> out = new ArrayList<>();
    for (var e : all.entrySet()) {
      out.add(Json.read(e.getValue(), RunnerRecord.class, "store key " + key + " field " + e.getKey()));
    }
    out.sort(java.util.Comparator.comparing(RunnerRecord::id));
    return out;
  }

  @Override
  public boolean lead(String instance, Duration lease) {
    String key = prefix + "leader";
    long ms = Math.max(1, lease.toMillis());
    Long renewed = call("renew the leadership", () -> redis.eval(RENEW, ScriptOutputType.INTEGER,
        new String[] {key}, instance, Long.toString(ms)));
    if (renewed != null && renewed == 1L) {
      return true;
    }
    String ok = call("take the leadership", () -> redis.set(key, instance, SetArgs.Builder.nx().px(ms)));
    return "OK".equals(ok);
  }

  @Override
  public void resign(String instance) {
    call("resign", () -> redis.eval(RESIGN, ScriptOutputType.INTEGER,
        new String[] {prefix + "leader"}, instance));
  }

  @Override
  public String describe() {
    return where;
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
