package dev.capmesh.runner;

import dev.capmesh.proto.v1.Binding;
import dev.capmesh.proto.v1.ExternalSpec;
import dev.capmesh.proto.v1.KvSpec;
import dev.capmesh.proto.v1.Module;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import dev.capmesh.proto.v1.ServiceRef;
import dev.capmesh.proto.v1.Socket;
import dev.capmesh.proto.v1.TlsSpec;
import dev.capmesh.crypto.TlsPolicy;
import dev.capmesh.runner.tls.TlsContexts;
import io.netty.handler.ssl.SslContext;
import dev.capmesh.proto.v1.StorageSpec;
import dev.capmesh.proto.v1.WorkerSpec;
import dev.capmesh.runner.egress.Connector;
import dev.capmesh.runner.egress.HostResolver;
import dev.capmesh.runner.egress.NetworkPolicy;
import dev.capmesh.runner.js.EnvBinding;
import dev.capmesh.runner.js.JsLoadException;
import dev.capmesh.runner.js.JsRuntime;
import dev.capmesh.runner.js.JsWorker;
import dev.capmesh.runner.js.WorkerCode;
import dev.capmesh.runner.js.WorkerModule;
import dev.capmesh.runner.kv.KvBackend;
import dev.capmesh.runner.kv.KvBackends;
import dev.capmesh.runner.kv.KvNamespace;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import dev.capmesh.runner.services.DiskService;
import dev.capmesh.runner.services.ExternalService;
import dev.capmesh.runner.services.NetworkService;
import dev.capmesh.runner.storage.ObjectBackend;
import dev.capmesh.runner.storage.ObjectBackends;
import dev.capmesh.runner.storage.ObjectBucket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Generation} from a {@link RunnerPlan}: one {@link HttpService} per service that
 * something uses (a socket, a binding, a {@code globalOutbound}), workers after the services
 * they bind to, so JS RPC sees the target worker itself. Every unsupported feature is reported
 * by name; nothing is started if anything fails. On a process's first plan the workers its
 * sockets serve load first and the others load behind them, after {@link #build} has returned
 * ({@link #stillLoading}), so that the sockets can serve meanwhile.
 *
 * <p>Services of the previous generation are kept when neither they nor anything they reach
 * changed (same content hash, all the way down their bindings), so a one-worker change rebuilds
 * that worker and what binds to it, and every other worker keeps its warm contexts. Not
 * thread-safe; one use.
 */
final class GenerationBuilder {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GenerationBuilder.class);
  /**
   * A {@code fromEnvironment} value at least this long is redacted like a {@code secret}: such
   * values usually carry credentials. Shorter ones (ports, flags, "true") are not, since
   * redacting them would blank every occurrence of such a common string in the logs.
   */
  static final int FROM_ENVIRONMENT_SECRET_LENGTH = 8;
  private final RunnerPlan plan;
  private final @Nullable Generation previous;
  private final RunnerOptions options;
  private final JsRuntime runtime;
  private final HostResolver resolver;
  private final Connector connector;
  private final Executor blocking;
  private final Function<String, String> environment;
  private final WorkerRefs refs;
  /** The runner's slot per worker service: what service bindings to workers hold. */
  private final Map<String, WorkerSlot> slots;
  private final @Nullable KvBackends kvBackends;
  private final @Nullable ObjectBackends objectBackends;

  private final Map<String, Service> byName = new LinkedHashMap<>();
  private final Map<String, HttpService> built = new HashMap<>();
  private final LinkedHashSet<String> building = new LinkedHashSet<>();
  private final Map<String, LateBound> late = new HashMap<>();
  private final List<JsWorker> workers = new ArrayList<>();
  private final List<JsWorker> created = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  /** Services that could not be built; their problems are already in {@link #problems}. */
  private final Set<String> failed = new HashSet<>();
  /** Per service name: whether the previous generation's instance can serve unchanged. */
  private final Map<String, Boolean> reusable = new HashMap<>();
  /**
   * On a process's first plan, the workers its sockets serve: they load first, and {@link #build}
   * returns once they have, while the other workers load behind them ({@link #stillLoading}).
   * Empty on later plans, where the previous generation serves until all of this one is loaded.
   */
  private final Set<String> servedFirst = new HashSet<>();
  /** Completes once every worker of {@link #servedFirst} has loaded or failed to. */
  private final CompletableFuture<Void> firstLoaded = new CompletableFuture<>();
  /**
   * The ends of the queues the other workers of a first plan load in, one worker at a time per
   * queue: one queue per core beyond the first, so that a core stays free for the first requests.
   */
  private final CompletionStage<?>[] queues;
  private int nextQueue;
  /** Workers loading behind {@link #servedFirst}. */
  private final List<JsWorker> deferred = new ArrayList<>();
  private CompletableFuture<List<String>> stillLoading = CompletableFuture.completedFuture(List.of());

  GenerationBuilder(RunnerPlan plan, @Nullable Generation previous, RunnerOptions options,
      JsRuntime runtime, HostResolver resolver, Connector connector, Executor blocking,
      Function<String, String> environment, WorkerRefs refs) {
    this(plan, previous, options, runtime, resolver, connector, blocking, environment, refs, null, null,
        new java.util.concurrent.ConcurrentHashMap<>());
  }

  /**
   * @param kvBackends the runner's open KV stores; null refuses kv services
   * @param objectBackends the runner's open object stores; null refuses storage services
   * @param slots the runner's slot per worker service (see {@link WorkerSlot}); the caller
   *     points them at the new generation's workers when it swaps
   */
  GenerationBuilder(RunnerPlan plan, @Nullable Generation previous, RunnerOptions options,
      JsRuntime runtime, HostResolver resolver, Connector connector, Executor blocking,
      Function<String, String> environment, WorkerRefs refs, @Nullable KvBackends kvBackends,
      @Nullable ObjectBackends objectBackends, Map<String, WorkerSlot> slots) {
    this.kvBackends = kvBackends;
    this.objectBackends = objectBackends;
    this.slots = slots;
    this.plan = plan;
    this.refs = refs;
    this.previous = previous;
    this.options = options;
    this.runtime = runtime;
    this.resolver = resolver;
    this.connector = connector;
    this.blocking = blocking;
    this.environment = environment;
    for (Service s : plan.getServicesList()) {
      byName.putIfAbsent(s.getName(), s);
    }
    if (previous == null) {
      for (Socket socket : plan.getSocketsList()) {
        Service target = byName.get(socket.getService().getService());
        if (target != null && target.hasWorker()) {
          servedFirst.add(target.getName());
        }
      }
    }
    this.queues = new CompletionStage<?>[Math.max(1, Runtime.getRuntime().availableProcessors() - 1)];
    java.util.Arrays.fill(queues, firstLoaded);
  }

  /**
   * Builds every service; on failure closes what it started (never what it reused) and throws.
   * The result's workers include reused ones: the caller counts references (see Runner).
   */
  Generation build() throws RunnerException {
    var socketTargets = new LinkedHashMap<String, HttpService>();
    for (Socket socket : plan.getSocketsList()) {
      if (socket.hasUnsupported()) {
        problems.add("socket \"" + socket.getName() + "\": " + socket.getUnsupported().getKind()
            + " sockets are not supported by this runner yet (use http or https)");
        continue;
      }
      String usedBy = "socket \"" + socket.getName() + "\"";
      HttpService target = httpService(socket.getService(), usedBy);
      if (target != null) {
        target = entrypoint(target, socket.getService(), usedBy);
      }
      if (target != null) {
        socketTargets.put(socket.getName(), target);
      }
    }
    // Like workerd, start every worker and network-facing service even if nothing here
    // reaches it yet, so code errors show at start rather than at the first request. Kinds
    // this runner does not implement are refused only when something uses them.
    for (Service service : plan.getServicesList()) {
      if (isStartedEagerly(service)) {
        service(ServiceRef.newBuilder().setService(service.getName()).build(),
            "service \"" + service.getName() + "\"");
      }
    }
    // Every worker started loading as it was reached, except those deferred behind the ones
    // sockets serve first; wait for the others here, so that they load side by side. A code
    // error is reported for each worker that has one.
    var first = new ArrayList<JsWorker>(created);
    first.removeAll(deferred);
    CompletableFuture.allOf(first.stream().map(w -> w.loaded().toCompletableFuture())
        .toArray(CompletableFuture[]::new)).whenComplete((v, e) -> firstLoaded.complete(null));
    // A plan with a problem is refused whatever else loads: every worker loads now, so that all
    // code errors are reported in one run.
    boolean refused = !problems.isEmpty();
    if (refused) {
      deferred.forEach(JsWorker::loadNow);
    }
    int before = problems.size();
    awaitLoads(refused ? created : first);
    if (!problems.isEmpty()) {
      if (!refused) {
        // Again in the order the workers were reached, as on any other refused plan.
        problems.subList(before, problems.size()).clear();
        deferred.forEach(JsWorker::loadNow);
        awaitLoads(created);
      }
      created.forEach(JsWorker::close);
      throw new RunnerException(problems);
    }
    late.forEach((name, proxy) -> proxy.target = built.get(name));
    if (!deferred.isEmpty()) {
      var loads = deferred.stream().map(w -> w.loaded().toCompletableFuture()
          .handle((v, e) -> e == null ? "" : loadProblem(e))).toList();
      stillLoading = CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new))
          .thenApply(v -> loads.stream().map(CompletableFuture::join).filter(p -> !p.isEmpty()).toList());
    }
    var hashes = new HashMap<String, String>();
    for (Service s : plan.getServicesList()) {
      hashes.putIfAbsent(s.getName(), s.getHash());
    }
    return new Generation(plan.getVersion(), built, socketTargets, workers, hashes, refs);
  }

  /**
   * After {@link #build}: completes once the workers still loading behind the ones sockets serve
   * first (on a process's first plan) have loaded, with each one's load error; at once with
   * none when nothing was deferred. The caller serves the generation meanwhile, and refuses the
   * plan if any failed. Never fails.
   */
  CompletableFuture<List<String>> stillLoading() {
    return stillLoading;
  }

  /** Waits for each worker's first load; adds each load error to {@link #problems}. */
  private void awaitLoads(List<JsWorker> loading) {
    for (JsWorker w : loading) {
      try {
        w.awaitLoaded();
      } catch (JsLoadException e) {
        // The message names the worker already: worker "NAME": ...
        problems.add(e.getMessage());
      }
    }
  }

  /** How many workers load behind the ones sockets serve first (after {@link #build}). */
  int loadingBehind() {
    return deferred.size();
  }

  private static String loadProblem(Throwable e) {
    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    return cause instanceof JsLoadException ? cause.getMessage() : "worker load failed: " + cause;
  }

  /** Workers this build started (not reused), for logs and tests. */
  List<JsWorker> created() {
    return List.copyOf(created);
  }

  private static boolean isStartedEagerly(Service s) {
    return s.hasWorker() || s.hasNetwork() || s.hasDisk()
        || (s.hasExternal() && (s.getExternal().getProtocol() == ExternalSpec.Protocol.HTTP
            || s.getExternal().getProtocol() == ExternalSpec.Protocol.HTTPS));
  }

  /** The service a reference names, built on first use; null after a reported problem. */
  private @Nullable HttpService service(ServiceRef ref, String usedBy) {
    String name = ref.getService();
    HttpService existing = built.get(name);
    if (existing != null) {
      return existing;
    }
    if (building.contains(name)) {
      // A cycle of service bindings: bind through a forwarder filled in once all are built.
      return late.computeIfAbsent(name, n -> new LateBound(n));
    }
    if (failed.contains(name)) {
      return null; // its problems are reported once, not again for each user
    }
    Service service = byName.get(name);
    if (service == null) {
      problems.add(usedBy + " refers to a service \"" + name + "\", but no such service is defined");
      return null;
    }
    if (isReusable(name, new HashSet<>())) {
      HttpService kept = previous.services.get(name);
      built.put(name, kept);
      if (kept instanceof JsWorker w) {
        workers.add(w);
      }
      return kept;
    }
    building.add(name);
    try {
      HttpService created = create(service);
      if (created != null) {
        built.put(name, created);
      } else {
        failed.add(name);
      }
      return created;
    } finally {
      building.remove(name);
    }
  }

  /**
   * {@link #service} for a use that exchanges HTTP (a socket, a service binding, a
   * globalOutbound): a kv service is refused there, since only kvNamespace bindings reach it.
   */
  private @Nullable HttpService httpService(ServiceRef ref, String usedBy) {
    Service s = byName.get(ref.getService());
    if (s != null && s.hasKv()) {
      problems.add(usedBy + " designates kv service \"" + s.getName() + "\", which only "
          + "kvNamespace bindings can reach");
      return null;
    }
    if (s != null && s.hasStorage()) {
      problems.add(usedBy + " designates storage service \"" + s.getName() + "\", which only "
          + "r2Bucket bindings can reach");
      return null;
    }
    return service(ref, usedBy);
  }

  /**
   * Whether the previous generation's {@code name} can serve in this one: it has the same
   * content hash, and what it holds directly is unchanged too, recursively. A worker reached
   * through a service binding is held through its slot, so only its kind must be the same.
   * Services on a cycle of direct references are rebuilt (their forwarders belong to one
   * generation).
   */
  private boolean isReusable(String name, Set<String> path) {
    Boolean known = reusable.get(name);
    if (known != null) {
      return known;
    }
    if (previous == null || !path.add(name)) {
      return false;
    }
    Service s = byName.get(name);
    String before = previous.hashes.get(name);
    boolean result = s != null && before != null && before.equals(s.getHash())
        && previous.services.containsKey(name);
    if (result && s.hasWorker()) {
      WorkerSpec w = s.getWorker();
      for (Binding b : w.getBindingsList()) {
        boolean same = switch (b.getKindCase()) {
          case SERVICE -> throughSlotAsBefore(b.getService().getService(), path);
          case KV_NAMESPACE -> isReusable(b.getKvNamespace().getService(), path);
          case R2_BUCKET -> isReusable(b.getR2Bucket().getService(), path);
          default -> true;
        };
        if (!same) {
          result = false;
          break;
        }
      }
      if (result && w.hasGlobalOutbound()) {
        ServiceRef out = w.getGlobalOutbound();
        result = out.getEntrypoint().isEmpty() && out.getPropsJson().isEmpty()
            ? throughSlotAsBefore(out.getService(), path) : isReusable(out.getService(), path);
      }
    }
    path.remove(name);
    reusable.put(name, result);
    return result;
  }

  /**
   * Whether a kept worker's service binding (or plain globalOutbound) to {@code target} still
   * means what it did: a worker then and now (bound through its slot, so the worker itself may
   * change), or an unchanged service of another kind (bound directly).
   */
  private boolean throughSlotAsBefore(String target, Set<String> path) {
    Service now = byName.get(target);
    if (now == null) {
      return false;
    }
    boolean wasWorker = previous.services.get(target) instanceof JsWorker;
    if (now.hasWorker() || wasWorker) {
      return now.hasWorker() && wasWorker;
    }
    return isReusable(target, path);
  }

  private WorkerSlot slot(String name) {
    return slots.computeIfAbsent(name, WorkerSlot::new);
  }

  /**
   * The client TLS context of a service's {@code tlsOptions} (the default instance when the
   * config gave none: workerd's defaults, trusting nothing, which is logged).
   */
  private static SslContext clientTls(String name, TlsSpec spec) {
    if (!TlsContexts.trustsSomething(spec)) {
      LOG.warn("service={} tls_trust=none: its tlsOptions trust no certificate authority, so "
          + "every TLS connection it makes fails (set trustBrowserCas = true or trustedCertificates)", name);
    }
    String note = TlsPolicy.versionNote(spec.getMinVersion());
    if (note != null) {
      LOG.warn("service={} {}", name, note);
    }
    return TlsContexts.client(spec);
  }

  private @Nullable HttpService create(Service service) {
    String name = service.getName();
    return switch (service.getKindCase()) {
      case WORKER -> worker(name, service.getWorker());
      case NETWORK -> {
        try {
          var network = service.getNetwork();
          SslContext tls = network.hasTls() ? clientTls(name, network.getTls()) : null;
          yield new NetworkService(name, NetworkPolicy.of(network.getAllowList(),
              network.getDenyList()), tls, resolver, connector);
        } catch (IllegalArgumentException e) {
          problems.add("service \"" + name + "\": " + e.getMessage());
          yield null;
        }
      }
      case EXTERNAL -> {
        ExternalSpec e = service.getExternal();
        if (e.getProtocol() != ExternalSpec.Protocol.HTTP
            && e.getProtocol() != ExternalSpec.Protocol.HTTPS) {
          problems.add("service \"" + name + "\": external services over tcp are not supported "
              + "by this runner yet (use http or https)");
          yield null;
        }
        try {
          SslContext tls = e.getProtocol() == ExternalSpec.Protocol.HTTPS
              ? clientTls(name, e.getTls()) : null;
          yield new ExternalService(name, e.getAddress(), tls,
              e.getCertificateHost().isEmpty() ? null : e.getCertificateHost(), resolver, connector);
        } catch (IllegalArgumentException ex) {
          problems.add(ex.getMessage().startsWith("external service")
              ? ex.getMessage() : "service \"" + name + "\": " + ex.getMessage());
          yield null;
        }
      }
      case DISK -> {
        var d = service.getDisk();
        Path root = options.baseDirectory().resolve(d.getPath()).normalize();
        try {
          yield new DiskService(root, d.getWritable(), d.getAllowDotfiles(), blocking);
        } catch (IllegalArgumentException ex) {
          problems.add("service \"" + name + "\": disk path \"" + d.getPath() + "\" ("
              + root + ") is not an existing directory");
          yield null;
        }
      }
      case KV -> kvService(name, service.getKv());
      case STORAGE -> storageService(name, service.getStorage());
      default -> {
        problems.add("service \"" + name + "\": " + kindName(service)
            + " services are not supported by this runner yet");
        yield null;
      }
    };
  }

  /** A kv service: its namespace over the runner's shared backend; null after a reported problem. */
  private @Nullable HttpService kvService(String name, KvSpec spec) {
    if (kvBackends == null) {
      problems.add("service \"" + name + "\": kv services are not available in this runner");
      return null;
    }
    ResourceOptions r = options.resources();
    KvBackend backend;
    switch (spec.getBackendCase()) {
      case REDIS -> {
        var redis = spec.getRedis();
        try {
          backend = kvBackends.redis(redis.getUrl(), redis.getKeyPrefix(), redis.getPasswordEnv());
        } catch (IllegalArgumentException e) {
          problems.add("kv service \"" + name + "\": " + e.getMessage());
          return null;
        }
      }
      case EMBEDDED, BACKEND_NOT_SET -> {
        String path = spec.hasEmbedded() ? spec.getEmbedded().getPath() : "";
        Path dir = (path.isEmpty() ? r.dataDirectory().resolve("kv").resolve(name)
            : options.baseDirectory().resolve(path)).toAbsolutePath().normalize();
        try {
          backend = kvBackends.embedded(dir);
        } catch (java.io.IOException | RuntimeException e) {
          problems.add("kv service \"" + name + "\": cannot open its embedded store in " + dir
              + ": " + e.getMessage());
          return null;
        }
      }
      default -> throw new AssertionError(spec.getBackendCase());
    }
    String passwordEnv = spec.hasRedis() ? spec.getRedis().getPasswordEnv() : "";
    java.util.function.UnaryOperator<String> redact = text -> {
      String password = passwordEnv.isEmpty() ? null : environment.apply(passwordEnv);
      return password == null || password.isEmpty() ? text : text.replace(password, "[REDACTED]");
    };
    return new KvService(name, new KvNamespace(backend, r.clock(), r.backendTimeout(), redact));
  }

  /**
   * A KV namespace kept in a disk service's directory ({@code DIR/.capmesh-kv}, a dotfile the
   * disk service does not serve unless it allows dotfiles); read-only when the disk is.
   */
  private @Nullable EnvBinding diskKv(String where, Service disk) {
    if (kvBackends == null) {
      problems.add(where + ": KV namespaces are not available in this runner");
      return null;
    }
    Path dir = options.baseDirectory().resolve(disk.getDisk().getPath()).toAbsolutePath().normalize()
        .resolve(".capmesh-kv");
    ResourceOptions r = options.resources();
    try {
      KvBackend backend = disk.getDisk().getWritable() ? kvBackends.embedded(dir)
          : kvBackends.embeddedReadOnly(dir, "disk service \"" + disk.getName() + "\" is not writable");
      return new EnvBinding.Kv(new KvNamespace(backend, r.clock(), r.backendTimeout(),
          java.util.function.UnaryOperator.identity()));
    } catch (java.io.IOException | RuntimeException e) {
      problems.add(where + ": cannot open a KV store in disk service \"" + disk.getName() + "\" ("
          + dir + "): " + e.getMessage());
      return null;
    }
  }

  /**
   * A kv service in the generation's service map (so workers binding it can be kept across
   * plans like any other). It is not an HTTP service: nothing but a kvNamespace binding reaches it.
   */
  static final class KvService implements HttpService {
    final String name;
    final KvNamespace namespace;

    KvService(String name, KvNamespace namespace) {
      this.name = name;
      this.namespace = namespace;
    }

    @Override public CompletionStage<ServiceResponse> fetch(ServiceRequest request) {
      return CompletableFuture.completedFuture(ServiceResponse.text(500,
          "kv service " + name + " is reached through kvNamespace bindings only\n"));
    }
  }

  /** A storage service: its bucket over the runner's shared store; null after a reported problem. */
  private @Nullable HttpService storageService(String name, StorageSpec spec) {
    if (objectBackends == null) {
      problems.add("service \"" + name + "\": storage services are not available in this runner");
      return null;
    }
    ResourceOptions r = options.resources();
    switch (spec.getBackendCase()) {
      case S3 -> {
        try {
          ObjectBackend backend = objectBackends.s3(spec.getS3(), options.baseDirectory(),
              r.environment(), r.backendTimeout());
          return new StorageService(name, new ObjectBucket(backend, r.backendTimeout(), s -> s));
        } catch (IllegalArgumentException e) {
          problems.add("storage service \"" + name + "\": " + e.getMessage());
          return null;
        }
      }
      case EMBEDDED, BACKEND_NOT_SET -> {
        String path = spec.hasEmbedded() ? spec.getEmbedded().getPath() : "";
        Path dir = (path.isEmpty() ? r.dataDirectory().resolve("storage").resolve(name)
            : options.baseDirectory().resolve(path)).toAbsolutePath().normalize();
        try {
          ObjectBackend backend = objectBackends.embedded(dir, "the embedded object store");
          return new StorageService(name, new ObjectBucket(backend, r.backendTimeout(), hiding(dir)));
        } catch (java.io.IOException | RuntimeException e) {
          problems.add("storage service \"" + name + "\": cannot open its embedded store in " + dir
              + ": " + e.getMessage());
          return null;
        }
      }
      default -> throw new AssertionError(spec.getBackendCase());
    }
  }

  /** Replaces a local directory in error text (the stores leave it out already; belt and braces). */
  private static java.util.function.UnaryOperator<String> hiding(Path dir) {
    String text = dir.toString();
    return s -> s.replace(text, "[store]");
  }

  /**
   * An R2 bucket kept in a disk service's directory ({@code DIR/.capmesh-r2}, a dotfile the disk
   * service does not serve unless it allows dotfiles); read-only when the disk is.
   */
  private @Nullable EnvBinding diskStorage(String where, Service disk) {
    if (objectBackends == null) {
      problems.add(where + ": R2 buckets are not available in this runner");
      return null;
    }
    Path dir = options.baseDirectory().resolve(disk.getDisk().getPath()).toAbsolutePath().normalize()
        .resolve(".capmesh-r2");
    ResourceOptions r = options.resources();
    String description = "the object store in disk service \"" + disk.getName() + "\"";
    try {
      ObjectBackend backend = disk.getDisk().getWritable() ? objectBackends.embedded(dir, description)
          : objectBackends.embeddedReadOnly(dir, description, "disk service \"" + disk.getName()
              + "\" is not writable");
      return new EnvBinding.Storage(new ObjectBucket(backend, r.backendTimeout(), hiding(dir)));
    } catch (java.io.IOException | RuntimeException e) {
      problems.add(where + ": cannot open an object store in disk service \"" + disk.getName() + "\" ("
          + dir + "): " + e.getMessage());
      return null;
    }
  }

  /**
   * A storage service in the generation's service map (so workers binding it can be kept across
   * plans like any other). It is not an HTTP service: only r2Bucket bindings reach it.
   */
  static final class StorageService implements HttpService {
    final String name;
    final ObjectBucket bucket;

    StorageService(String name, ObjectBucket bucket) {
      this.name = name;
      this.bucket = bucket;
    }

    @Override public CompletionStage<ServiceResponse> fetch(ServiceRequest request) {
      return CompletableFuture.completedFuture(ServiceResponse.text(500,
          "storage service " + name + " is reached through r2Bucket bindings only\n"));
    }
  }

  /** The config-language name of a service's kind ("kv", "assets"). */
  static String kindName(Service s) {
    return switch (s.getKindCase()) {
      case WORKER -> "worker";
      case NETWORK -> "network";
      case EXTERNAL -> "external";
      case DISK -> "disk";
      case KV -> "kv";
      case STORAGE -> "storage";
      case REMOTE -> "remote";
      case UNSUPPORTED -> s.getUnsupported().getKind();
      case KIND_NOT_SET -> "unspecified";
    };
  }

  private @Nullable HttpService worker(String name, WorkerSpec worker) {
    int problemsBefore = problems.size();
    WorkerCode code = code(name, worker);
    if (code == null) {
      return null;
    }
    for (String field : worker.getUnsupportedFieldsList()) {
      problems.add("worker \"" + name + "\": " + field + " is not supported by this runner yet");
    }
    JsWorker.Builder builder = JsWorker.builder(runtime, name, code)
        .limits(options.limits())
        .poolSize(options.contextsPerWorker())
        .compatibilityFlags(worker.getCompatibilityFlagsList())
        .meter(options.observer().worker(name))
        .bindingListener(options.bindingListener());
    for (Binding b : worker.getBindingsList()) {
      EnvBinding env = binding(name, b);
      if (env != null) {
        builder.binding(b.getName(), env);
      }
    }
    if (worker.hasGlobalOutbound()) {
      ServiceRef ref = worker.getGlobalOutbound();
      Service spec = byName.get(ref.getService());
      HttpService outbound = httpService(ref, "worker \"" + name + "\"'s globalOutbound");
      if (outbound instanceof JsWorker && ref.getEntrypoint().isEmpty() && ref.getPropsJson().isEmpty()) {
        outbound = slot(spec.getName()); // like a service binding: survives the callee's rebuild
      }
      builder.globalOutbound(outbound);
    }
    if (problems.size() > problemsBefore) {
      return null;
    }
    // Problems elsewhere do not stop this worker from loading: its own code errors are
    // reported in the same run (build() waits for every load, or stillLoading() reports it).
    JsWorker started;
    if (previous == null && !servedFirst.contains(name)) {
      int q = nextQueue++ % queues.length;
      started = builder.startAfter(queues[q]);
      queues[q] = started.loaded();
      deferred.add(started);
    } else {
      started = builder.start();
    }
    workers.add(started);
    created.add(started);
    return started;
  }

  private @Nullable WorkerCode code(String name, WorkerSpec worker) {
    return switch (worker.getCodeCase()) {
      case MODULES -> {
        var modules = new ArrayList<WorkerModule>();
        for (Module module : worker.getModules().getModulesList()) {
          WorkerModule.Kind kind = switch (module.getKind()) {
            case ES_MODULE -> WorkerModule.Kind.ES_MODULE;
            case COMMON_JS -> WorkerModule.Kind.COMMON_JS;
            case TEXT -> WorkerModule.Kind.TEXT;
            case DATA -> WorkerModule.Kind.DATA;
            case JSON -> WorkerModule.Kind.JSON;
            default -> null;
          };
          if (kind == null) {
            problems.add("worker \"" + name + "\": module \"" + module.getName() + "\" is a "
                + (module.getKindName().isEmpty() ? module.getKind().name() : module.getKindName())
                + " module, which this runner does not support yet");
            continue;
          }
          modules.add(new WorkerModule(module.getName(), kind, module.getContent().toByteArray(),
              kind == WorkerModule.Kind.COMMON_JS ? module.getNamedExportsList() : List.of()));
        }
        try {
          yield modules.isEmpty() ? null : new WorkerCode.Modules(modules);
        } catch (IllegalArgumentException e) {
          problems.add("worker \"" + name + "\": " + e.getMessage());
          yield null;
        }
      }
      case SERVICE_WORKER_SCRIPT ->
          new WorkerCode.ServiceWorkerScript(name + ".js", worker.getServiceWorkerScript());
      case CODE_NOT_SET -> {
        problems.add("worker \"" + name + "\": the plan gives it no code");
        yield null;
      }
    };
  }

  private @Nullable EnvBinding binding(String worker, Binding b) {
    String where = "worker \"" + worker + "\"'s binding \"" + b.getName() + "\"";
    return switch (b.getKindCase()) {
      case TEXT -> new EnvBinding.Text(b.getText());
      case SECRET -> new EnvBinding.Secret(b.getSecret());
      case JSON -> new EnvBinding.Json(b.getJson());
      case DATA -> new EnvBinding.Data(b.getData().toByteArray());
      case FROM_ENVIRONMENT -> {
        // Unset: null, as in workerd. Set: treated as a secret (redacted) unless too short to be
        // a credential (see FROM_ENVIRONMENT_SECRET_LENGTH).
        String value = environment.apply(b.getFromEnvironment());
        yield value == null ? new EnvBinding.Null()
            : value.length() >= FROM_ENVIRONMENT_SECRET_LENGTH ? new EnvBinding.Secret(value)
            : new EnvBinding.Text(value);
      }
      case SERVICE -> {
        ServiceRef ref = b.getService();
        Service spec = byName.get(ref.getService());
        if (spec != null && spec.hasWorker()) {
          // Bound through the runner's slot for that worker, filled when this plan serves: a
          // later plan that changes only the callee keeps this caller. Built now (unless this is
          // a cycle back to a worker being built) so its problems are reported in this run.
          if (!building.contains(spec.getName()) && service(ref, where) == null) {
            yield null;
          }
          yield new EnvBinding.Service(slot(spec.getName()), emptyToNull(ref.getEntrypoint()),
              emptyToNull(ref.getPropsJson()));
        }
        HttpService target = httpService(ref, where);
        if (target instanceof LateBound) {
          // A cycle: the target worker is not built yet, so JsWorker cannot see it is one.
          target = entrypoint(target, ref, where);
          yield target == null ? null : EnvBinding.Service.of(target);
        }
        if (target != null && !(target instanceof JsWorker) && entrypoint(target, ref, where) == null) {
          yield null; // an entrypoint or props on a service that is not a worker: reported
        }
        yield target == null ? null : new EnvBinding.Service(target,
            emptyToNull(ref.getEntrypoint()), emptyToNull(ref.getPropsJson()));
      }
      case KV_NAMESPACE -> {
        ServiceRef ref = b.getKvNamespace();
        Service designated = byName.get(ref.getService());
        if (designated != null && (designated.hasWorker() || designated.hasExternal())) {
          // workerd's KV protocol: the JS side sends each operation to the service as HTTP.
          HttpService target = service(ref, where);
          if (target != null) {
            target = entrypoint(target, ref, where);
          }
          yield target == null ? null : new EnvBinding.KvHttp(target);
        }
        if (designated != null && designated.hasDisk()) {
          yield diskKv(where, designated);
        }
        Service target = byName.get(ref.getService());
        if (target != null && !target.hasKv()) {
          problems.add(where + ": a kvNamespace binding designates a kv, worker, external or disk "
              + "service, and \"" + target.getName() + "\" is a " + kindName(target) + " service");
          yield null;
        }
        yield service(ref, where) instanceof KvService kv ? new EnvBinding.Kv(kv.namespace) : null;
      }
      case R2_BUCKET -> {
        ServiceRef ref = b.getR2Bucket();
        Service designated = byName.get(ref.getService());
        if (designated != null && (designated.hasWorker() || designated.hasExternal())) {
          problems.add(protocolRefusal(worker, b, "r2Bucket", ref, "R2"));
          yield null;
        }
        if (designated != null && designated.hasDisk()) {
          yield diskStorage(where, designated);
        }
        if (designated != null && !designated.hasStorage()) {
          problems.add(where + ": an r2Bucket binding designates a storage, worker, external or disk "
              + "service, and \"" + designated.getName() + "\" is a " + kindName(designated) + " service");
          yield null;
        }
        yield service(ref, where) instanceof StorageService st ? new EnvBinding.Storage(st.bucket) : null;
      }
      case CRYPTO_KEY -> {
        var k = b.getCryptoKey();
        try {
          yield EnvBinding.CryptoKey.of(k.getFormat(), k.getKeyData().toByteArray(), k.getAlgorithm(),
              k.getAlgorithmIsJson(), k.getExtractable(), k.getUsagesList());
        } catch (IllegalArgumentException e) {
          problems.add(where + ": " + e.getMessage()); // never the key material (ConfigKeys)
          yield null;
        }
      }
      case UNSUPPORTED -> {
        problems.add(where + ": " + b.getUnsupported().getKind()
            + " bindings are not supported by this runner yet");
        yield null;
      }
      case KIND_NOT_SET -> {
        problems.add(where + ": the plan gives the binding no kind");
        yield null;
      }
    };
  }

  private static @Nullable String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /**
   * The refusal of an r2Bucket binding to a worker or external service: workerd's R2 binding
   * protocol is not spoken by this runner.
   */
  private String protocolRefusal(String worker, Binding b, String kindName, ServiceRef ref,
      String protocol) {
    Service target = byName.get(ref.getService());
    return "worker \"" + worker + "\": " + kindName + " binding \"" + b.getName()
        + "\" designates " + kindName(target) + (target.hasWorker() ? "" : " service")
        + " \"" + target.getName() + "\": the workerd " + protocol + " binding protocol is not supported by "
        + "this runner yet (bind a storage service, or a writable disk service)";
  }

  /**
   * What serves HTTP for {@code ref}: {@code target} itself when the reference names the
   * default entrypoint without props, else the fetch handler of the named export (a
   * {@code WorkerEntrypoint} class or an object with {@code fetch}) with {@code props} as
   * {@code ctx.props}. Null after a reported problem (an entrypoint or props on a service that
   * is not a worker).
   */
  private @Nullable HttpService entrypoint(HttpService target, ServiceRef ref, String usedBy) {
    String entrypoint = emptyToNull(ref.getEntrypoint());
    String props = emptyToNull(ref.getPropsJson());
    if (entrypoint == null && props == null) {
      return target;
    }
    return switch (target) {
      case JsWorker w -> request -> w.dispatch(request, entrypoint, props);
      case LateBound late -> request -> late.fetch(request, entrypoint, props);
      default -> {
        problems.add(usedBy + " names " + (entrypoint != null ? "entrypoint \"" + entrypoint + "\""
            : "props") + " of service \"" + ref.getService() + "\", which is not a worker; only "
            + "workers have entrypoints and props");
        yield null;
      }
    };
  }

  /** Forwards to a service that was still being built when something bound to it (a cycle). */
  private static final class LateBound implements HttpService {
    private final String name;
    volatile @Nullable HttpService target;

    LateBound(String name) {
      this.name = name;
    }

    @Override public CompletionStage<ServiceResponse> fetch(ServiceRequest request) {
      return fetch(request, null, null);
    }

    CompletionStage<ServiceResponse> fetch(ServiceRequest request, @Nullable String entrypoint,
        @Nullable String props) {
      HttpService t = target;
      if (t == null) {
        return CompletableFuture.completedFuture(ServiceResponse.text(503, "service " + name + " is not ready\n"));
      }
      if ((entrypoint != null || props != null) && t instanceof JsWorker w) {
        return w.dispatch(request, entrypoint, props);
      }
      return t.fetch(request);
    }
  }
}
