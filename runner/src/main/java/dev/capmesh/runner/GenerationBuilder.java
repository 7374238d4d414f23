package dev.capmesh.runner;

import dev.capmesh.runner.egress.Connector;
import dev.capmesh.runner.egress.HostResolver;
import dev.capmesh.runner.egress.NetworkPolicy;
import dev.capmesh.runner.js.EnvBinding;
import dev.capmesh.runner.js.JsLoadException;
import dev.capmesh.runner.js.JsRuntime;
import dev.capmesh.runner.js.JsWorker;
import dev.capmesh.runner.js.WorkerCode;
import dev.capmesh.runner.js.WorkerModule;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import dev.capmesh.runner.services.DiskService;
import dev.capmesh.runner.services.ExternalService;
import dev.capmesh.runner.services.NetworkService;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.Module;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import dev.capmesh.schema.model.Worker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Generation} from a resolved config: one {@link HttpService} per service that
 * something uses (a socket, a binding, a {@code globalOutbound}), workers after the services
 * they bind to, so JS RPC sees the target worker itself. Every unsupported feature is reported
 * by name; nothing is started if anything fails. Not thread-safe; one use.
 */
final class GenerationBuilder {
  /**
   * A {@code fromEnvironment} value at least this long is redacted like a {@code secret}: such
   * values usually carry credentials. Shorter ones (ports, flags, "true") are not, since
   * redacting them would blank every occurrence of such a common string in the logs.
   */
  static final int FROM_ENVIRONMENT_SECRET_LENGTH = 8;
  private final Config config;
  private final String version;
  private final RunnerOptions options;
  private final JsRuntime runtime;
  private final HostResolver resolver;
  private final Connector connector;
  private final Executor blocking;
  private final Function<String, String> environment;

  private final Map<String, Service> byName = new LinkedHashMap<>();
  private final Map<String, HttpService> built = new HashMap<>();
  private final LinkedHashSet<String> building = new LinkedHashSet<>();
  private final Map<String, LateBound> late = new HashMap<>();
  private final List<JsWorker> workers = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  /** Services that could not be built; their problems are already in {@link #problems}. */
  private final java.util.Set<String> failed = new java.util.HashSet<>();

  GenerationBuilder(Config config, String version, RunnerOptions options, JsRuntime runtime,
      HostResolver resolver, Connector connector, Executor blocking,
      Function<String, String> environment) {
    this.config = config;
    this.version = version;
    this.options = options;
    this.runtime = runtime;
    this.resolver = resolver;
    this.connector = connector;
    this.blocking = blocking;
    this.environment = environment;
    for (Service s : config.services()) {
      byName.putIfAbsent(s.name(), s);
    }
  }

  Generation build() throws RunnerException {
    var socketTargets = new LinkedHashMap<String, HttpService>();
    for (Socket socket : config.sockets()) {
      if (!(socket.protocol() instanceof Socket.Http)) {
        problems.add("socket \"" + socket.name() + "\": " + socket.protocol().kindName()
            + " sockets are not supported by this runner yet (use http)");
        continue;
      }
      String usedBy = "socket \"" + socket.name() + "\"";
      HttpService target = service(socket.service(), usedBy);
      if (target != null) {
        target = entrypoint(target, socket.service(), usedBy);
      }
      if (target != null) {
        socketTargets.put(socket.name(), target);
      }
    }
    // Like workerd, start every worker and network-facing service even if nothing here
    // reaches it yet, so code errors show at start rather than at the first request. Kinds
    // this runner does not implement are refused only when something uses them.
    for (Service service : config.services()) {
      if (isStartedEagerly(service.kind())) {
        service(ServiceDesignator.of(service.name()), "service \"" + service.name() + "\"");
      }
    }
    if (!problems.isEmpty()) {
      workers.forEach(JsWorker::close);
      throw new RunnerException(problems);
    }
    late.forEach((name, proxy) -> proxy.target = built.get(name));
    return new Generation(version, built, socketTargets, workers);
  }

  private static boolean isStartedEagerly(ServiceKind kind) {
    return kind instanceof ServiceKind.WorkerService || kind instanceof ServiceKind.NetworkService
        || kind instanceof ServiceKind.DiskService
        || (kind instanceof ServiceKind.ExternalService e && e.protocol() instanceof ServiceKind.ExternalHttp);
  }

  /** The service a designator names, built on first use; null after a reported problem. */
  private @Nullable HttpService service(ServiceDesignator designator, String usedBy) {
    String name = designator.name();
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

  private @Nullable HttpService create(Service service) {
    String name = service.name();
    return switch (service.kind()) {
      case ServiceKind.WorkerService w -> worker(name, w.worker());
      case ServiceKind.NetworkService n -> {
        try {
          yield new NetworkService(name, NetworkPolicy.of(n.allow(), n.deny()), resolver, connector);
        } catch (IllegalArgumentException e) {
          problems.add("service \"" + name + "\": " + e.getMessage());
          yield null;
        }
      }
      case ServiceKind.ExternalService e -> {
        if (!(e.protocol() instanceof ServiceKind.ExternalHttp)) {
          problems.add("service \"" + name + "\": external services over "
              + (e.protocol() instanceof ServiceKind.ExternalHttps ? "https" : "tcp")
              + " are not supported by this runner yet (use http)");
          yield null;
        }
        try {
          yield new ExternalService(name, e.address(), false, resolver, connector);
        } catch (IllegalArgumentException ex) {
          problems.add(ex.getMessage());
          yield null;
        }
      }
      case ServiceKind.DiskService d -> {
        Path root = options.baseDirectory().resolve(d.path()).normalize();
        try {
          yield new DiskService(root, d.writable(), d.allowDotfiles(), blocking);
        } catch (IllegalArgumentException ex) {
          problems.add("service \"" + name + "\": disk path \"" + d.path() + "\" ("
              + root + ") is not an existing directory");
          yield null;
        }
      }
      default -> {
        problems.add("service \"" + name + "\": " + service.kind().kindName()
            + " services are not supported by this runner yet");
        yield null;
      }
    };
  }

  private @Nullable HttpService worker(String name, Worker worker) {
    int problemsBefore = problems.size();
    WorkerCode code = code(name, worker);
    if (code == null) {
      return null;
    }
    for (String field : worker.unsupportedFields()) {
      problems.add("worker \"" + name + "\": " + field + " is not supported by this runner yet");
    }
    JsWorker.Builder builder = JsWorker.builder(runtime, name, code)
        .limits(options.limits())
        .poolSize(options.contextsPerWorker())
        .compatibilityFlags(worker.compatibilityFlags());
    for (Binding b : worker.bindings()) {
      EnvBinding env = binding(name, b);
      if (env != null) {
        builder.binding(b.name(), env);
      }
    }
    if (worker.globalOutbound().isPresent()) {
      HttpService outbound = service(worker.globalOutbound().get(),
          "worker \"" + name + "\"'s globalOutbound");
      builder.globalOutbound(outbound);
    }
    if (problems.size() > problemsBefore) {
      return null;
    }
    // Problems elsewhere do not stop this worker from loading: its own code errors are
    // reported in the same run.
    try {
      JsWorker built = builder.build();
      workers.add(built);
      return built;
    } catch (JsLoadException e) {
      // The message names the worker already: worker "NAME": ...
      problems.add(e.getMessage());
      return null;
    }
  }

  private @Nullable WorkerCode code(String name, Worker worker) {
    return switch (worker.code()) {
      case dev.capmesh.schema.model.WorkerCode.Modules m -> {
        var modules = new ArrayList<WorkerModule>();
        for (Module module : m.modules()) {
          WorkerModule.Kind kind = switch (module.type()) {
            case ES_MODULE -> WorkerModule.Kind.ES_MODULE;
            case COMMON_JS_MODULE -> WorkerModule.Kind.COMMON_JS;
            case TEXT -> WorkerModule.Kind.TEXT;
            case DATA -> WorkerModule.Kind.DATA;
            case JSON -> WorkerModule.Kind.JSON;
            default -> null;
          };
          if (kind == null) {
            problems.add("worker \"" + name + "\": module \"" + module.name() + "\" is a "
                + module.type().schemaName() + " module, which this runner does not support yet");
            continue;
          }
          modules.add(new WorkerModule(module.name(), kind, module.bytes(),
              kind == WorkerModule.Kind.COMMON_JS ? module.namedExports() : List.of()));
        }
        try {
          yield modules.isEmpty() ? null : new WorkerCode.Modules(modules);
        } catch (IllegalArgumentException e) {
          problems.add("worker \"" + name + "\": " + e.getMessage());
          yield null;
        }
      }
      case dev.capmesh.schema.model.WorkerCode.ServiceWorkerScript s ->
          new WorkerCode.ServiceWorkerScript(name + ".js", s.script());
      case dev.capmesh.schema.model.WorkerCode.Inherit i -> {
        problems.add("worker \"" + name + "\": inherit = \"" + i.parent() + "\" was not resolved");
        yield null;
      }
    };
  }

  private @Nullable EnvBinding binding(String worker, Binding b) {
    String where = "worker \"" + worker + "\"'s binding \"" + b.name() + "\"";
    return switch (b.kind()) {
      case BindingKind.Text t -> new EnvBinding.Text(t.value());
      case BindingKind.Secret s -> new EnvBinding.Secret(s.value());
      case BindingKind.Json j -> new EnvBinding.Json(j.json());
      case BindingKind.Data d -> new EnvBinding.Data(d.bytes());
      case BindingKind.FromEnvironment e -> {
        // Unset: null, as in workerd. Set: treated as a secret (redacted) unless too short to be
        // a credential (see FROM_ENVIRONMENT_SECRET_LENGTH).
        String value = environment.apply(e.variable());
        yield value == null ? new EnvBinding.Null()
            : value.length() >= FROM_ENVIRONMENT_SECRET_LENGTH ? new EnvBinding.Secret(value)
            : new EnvBinding.Text(value);
      }
      case BindingKind.Service s -> {
        HttpService target = service(s.service(), where);
        if (target instanceof LateBound) {
          // A cycle: the target worker is not built yet, so JsWorker cannot see it is one.
          target = entrypoint(target, s.service(), where);
          yield target == null ? null : EnvBinding.Service.of(target);
        }
        if (target != null && !(target instanceof JsWorker)
            && entrypoint(target, s.service(), where) == null) {
          yield null; // an entrypoint or props on a service that is not a worker: reported
        }
        yield target == null ? null : new EnvBinding.Service(target,
            s.service().entrypoint().orElse(null), s.service().propsJson().orElse(null));
      }
      case BindingKind.KvNamespace kv when designatesProtocolTarget(kv.service()) -> {
        problems.add(protocolRefusal(worker, b, kv.service(), "KV"));
        yield null;
      }
      case BindingKind.R2Bucket r2 when designatesProtocolTarget(r2.service()) -> {
        problems.add(protocolRefusal(worker, b, r2.service(), "R2"));
        yield null;
      }
      default -> {
        problems.add(where + ": " + b.kind().kindName()
            + " bindings are not supported by this runner yet");
        yield null;
      }
    };
  }

  /** Whether a kvNamespace/r2Bucket designator names a worker, external or disk service. */
  private boolean designatesProtocolTarget(ServiceDesignator designator) {
    Service target = byName.get(designator.name());
    return target != null && (target.kind() instanceof ServiceKind.WorkerService
        || target.kind() instanceof ServiceKind.ExternalService
        || target.kind() instanceof ServiceKind.DiskService);
  }

  /**
   * The refusal of a kvNamespace/r2Bucket binding served by workerd's HTTP protocol for that
   * binding (a worker or external service) or by a store in a disk directory.
   */
  private String protocolRefusal(String worker, Binding b, ServiceDesignator designator,
      String protocol) {
    Service target = byName.get(designator.name());
    String how = target.kind() instanceof ServiceKind.DiskService
        ? (protocol.equals("R2") ? "an " : "a ") + protocol + " store in a disk directory is"
        : "the workerd " + protocol + " protocol is";
    return "worker \"" + worker + "\": " + b.kind().kindName() + " binding \"" + b.name()
        + "\" designates " + target.kind().kindName()
        + (target.kind() instanceof ServiceKind.WorkerService ? "" : " service")
        + " \"" + target.name() + "\": " + how
        + " not supported by this runner yet";
  }

  /**
   * What serves HTTP for {@code designator}: {@code target} itself when the designator names
   * the default entrypoint without props, else the fetch handler of the named export (a
   * {@code WorkerEntrypoint} class or an object with {@code fetch}) with {@code props} as
   * {@code ctx.props}. Null after a reported problem (an entrypoint or props on a service that
   * is not a worker).
   */
  private @Nullable HttpService entrypoint(HttpService target, ServiceDesignator designator,
      String usedBy) {
    String entrypoint = designator.entrypoint().orElse(null);
    String props = designator.propsJson().orElse(null);
    if (entrypoint == null && props == null) {
      return target;
    }
    return switch (target) {
      case JsWorker w -> request -> w.dispatch(request, entrypoint, props);
      case LateBound late -> request -> late.fetch(request, entrypoint, props);
      default -> {
        problems.add(usedBy + " names " + (entrypoint != null ? "entrypoint \"" + entrypoint + "\""
            : "props") + " of service \"" + designator.name() + "\", which is not a worker; only "
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
