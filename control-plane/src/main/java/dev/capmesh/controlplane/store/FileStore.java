package dev.capmesh.controlplane.store;

import static java.util.Objects.requireNonNull;

import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.RunnerPlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The default store: files under a data directory, for one control-plane process (a lock file
 * keeps a second one out). Layout: {@code plans/FLEET/VERSION.plan} (the plan's protobuf
 * bytes, checked against its version when read), {@code fleets/FLEET.json} (desired version,
 * last good version, rollout, history) and {@code runners/FLEET.json} (the runner registry).
 * Every write goes to a temporary file that is then moved over the old one, so a crash leaves
 * either the old or the new file. A file that cannot be parsed is reported by name at open.
 * Thread-safe (writes are serialized).
 */
public final class FileStore implements ControlStore {
  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, FleetRecord> fleets = new HashMap<>();
  private final Map<String, Map<String, RunnerRecord>> runners = new HashMap<>();
  private final PlanCache plans = new PlanCache();

  private FileStore(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating it if needed) the store in {@code dir} and reads every fleet and runner
   * file.
   *
   * @throws StoreException if another process holds the directory, or a file is damaged
   */
  public static FileStore open(Path dir) {
    requireNonNull(dir, "dir");
    FileChannel ch = null;
    try {
      Files.createDirectories(dir.resolve("plans"));
      Files.createDirectories(dir.resolve("fleets"));
      Files.createDirectories(dir.resolve("runners"));
      ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // held by this process
      }
      if (lock == null) {
        ch.close();
        throw new StoreException("data directory " + dir + " is in use by another control-plane "
            + "process (to share state between instances, use --store redis://...)");
      }
      FileStore s = new FileStore(dir, ch, lock);
      s.load();
      return s;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new StoreException("cannot open the data directory " + dir + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  private void load() throws IOException {
    for (Path f : list(dir.resolve("fleets"))) {
      String name = fleetOf(f);
      if (name == null) {
        continue;
      }
      FleetRecord r = Json.read(Files.readString(f), FleetRecord.class, "store file " + f);
      if (!r.name().equals(name)) {
        throw new StoreException("store file " + f + " is damaged: it holds fleet \""
            + Names.printable(r.name()) + "\"");
      }
      fleets.put(name, r);
    }
    for (Path f : list(dir.resolve("runners"))) {
      String name = fleetOf(f);
      if (name == null) {
        continue;
      }
      List<RunnerRecord> list = Json.read(Files.readString(f), Json.RUNNERS, "store file " + f);
      Map<String, RunnerRecord> byId = new LinkedHashMap<>();
      for (RunnerRecord r : list) {
        byId.put(r.id(), r);
      }
      runners.put(name, byId);
    }
  }

  private static List<Path> list(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.sorted().toList();
    }
  }

  private static String fleetOf(Path f) {
    String n = f.getFileName().toString();
    if (!n.endsWith(".json")) {
      return null;
    }
    String name = n.substring(0, n.length() - 5);
    return Names.fleetProblem(name) == null ? name : null;
  }

  @Override
  public synchronized void putPlan(String fleet, RunnerPlan plan) {
    Names.checkFleet(fleet);
    PlanDigest.verify(plan);
    Path f = planFile(fleet, plan.getVersion());
    if (!Files.exists(f)) {
      write(f, plan.toByteArray(), true);
    }
    plans.put(fleet, plan);
  }

  @Override
  public Optional<RunnerPlan> plan(String fleet, String version) {
    if (Names.fleetProblem(fleet) != null || !Names.isVersion(version)) {
      return Optional.empty();
    }
    Path f = planFile(fleet, version);
    return plans.get(fleet, version, "store file " + f,
        "restore it from a backup or push the config again", () -> {
          try {
            return Files.readAllBytes(f);
          } catch (NoSuchFileException e) {
            return null;
          } catch (IOException e) {
            throw new StoreException("cannot read store file " + f + ": " + e, e);
          }
        });
  }

  private Path planFile(String fleet, String version) {
    return dir.resolve("plans").resolve(fleet).resolve(version + ".plan");
  }

  @Override
  public synchronized Optional<FleetRecord> fleet(String name) {
    return Optional.ofNullable(fleets.get(name));
  }

  @Override
  public synchronized FleetRecord updateFleet(String name, UnaryOperator<FleetRecord> change) {
    Names.checkFleet(name);
    FleetRecord next = change.apply(fleets.getOrDefault(name, FleetRecord.empty(name)));
    if (!next.equals(fleets.get(name))) {
      write(dir.resolve("fleets").resolve(name + ".json"),
          Json.write(next).getBytes(StandardCharsets.UTF_8), true);
      fleets.put(name, next);
    }
    return next;
  }

  @Override
  public synchronized List<String> fleetNames() {
    return fleets.keySet().stream().sorted().toList();
  }

  @Override
  public synchronized void putRunner(RunnerRecord runner) {
    Names.checkFleet(runner.fleet());
    Map<String, RunnerRecord> byId = runners.computeIfAbsent(runner.fleet(), k -> new LinkedHashMap<>());
    if (runner.equals(byId.get(runner.id()))) {
      return;
    }
    byId.put(runner.id(), runner);
    List<RunnerRecord> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparing(RunnerRecord::id));
    // Not forced to disk: the registry is rebuilt from the runners' Hellos after a crash, and
    // forcing on every ACK and heartbeat would slow rollouts of large fleets.
    write(dir.resolve("runners").resolve(runner.fleet() + ".json"),
        Json.write(all).getBytes(StandardCharsets.UTF_8), false);
  }

  @Override
  public synchronized List<RunnerRecord> runners(String fleet) {
    Map<String, RunnerRecord> byId = runners.get(fleet);
    return byId == null ? List.of() : List.copyOf(byId.values());
  }

  @Override
  public boolean lead(String instance, Duration lease) {
    return true;
  }

  @Override
  public void resign(String instance) {}

  @Override
  public String describe() {
    return "files in " + dir;
  }

  @Override
  public synchronized void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new StoreException("cannot release the lock on " + dir + ": " + e, e);
    }
  }

  /**
   * Writes {@code bytes} to a temporary file beside {@code f}, forces it to disk if
   * {@code durable}, and moves it over {@code f}.
   */
  private static void write(Path f, byte[] bytes, boolean durable) {
    try {
      Files.createDirectories(f.getParent());
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        if (durable) {
          ch.force(true);
        }
      }
      try {
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new StoreException("cannot write store file " + f + ": " + e, e);
    }
  }
}
