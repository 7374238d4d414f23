package dev.capmesh.compiler.resolve;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Worker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each worker of a resolved config can reach: directly through its own bindings and
 * {@code globalOutbound}, and transitively through the workers it can call. Secrets are listed by
 * binding name only, never by value. Immutable.
 *
 * @param workers one entry per worker service, in declaration order
 */
public record CapabilityReport(List<WorkerCapabilities> workers) {

  public CapabilityReport {
    workers = List.copyOf(workers);
  }

  /**
   * One resource a worker can reach.
   *
   * @param kind {@code kv}, {@code storage}, {@code cryptoKey}, {@code secret}, {@code environment},
   *     {@code disk}, {@code network}, {@code external}, {@code worker}
   * @param name the service name, or the binding name for keys, secrets and environment variables
   * @param detail what exactly: allow/deny lists, an address, a path, a key's algorithm and usages
   * @param via the chain of services it is reached through; empty when the worker holds it itself
   */
  public record Resource(String kind, String name, String detail, List<String> via) {
    public Resource {
      requireNonNull(kind, "kind");
      requireNonNull(name, "name");
      requireNonNull(detail, "detail");
      via = List.copyOf(via);
    }
  }

  /**
   * The capabilities of one worker service.
   *
   * @param service the service's name
   * @param resources every resource it can reach, direct ones first
   * @param networkEgress whether it can reach a network or external service, directly or not
   */
  public record WorkerCapabilities(String service, List<Resource> resources, boolean networkEgress) {
    public WorkerCapabilities {
      requireNonNull(service, "service");
      resources = List.copyOf(resources);
    }
  }

  /** The report of a resolved config (see {@code ConfigCompiler.compile}). */
  public static CapabilityReport of(Config config) {
    requireNonNull(config, "config");
    var out = new ArrayList<WorkerCapabilities>();
    for (Service s : config.services()) {
      if (s.kind() instanceof ServiceKind.WorkerService) {
        out.add(reach(config, s));
      }
    }
    return new CapabilityReport(out);
  }

  private static WorkerCapabilities reach(Config config, Service start) {
    var resources = new LinkedHashSet<Resource>();
    var visited = new LinkedHashSet<String>();
    record Step(Service service, List<String> via) {}
    var queue = new ArrayDeque<Step>();
    queue.add(new Step(start, List.of()));
    visited.add(start.name());
    boolean egress = false;
    while (!queue.isEmpty()) {
      Step step = queue.poll();
      Worker w = ((ServiceKind.WorkerService) step.service().kind()).worker();
      var targets = new ArrayList<ServiceDesignator>();
      for (Binding b : w.bindings()) {
        switch (b.kind()) {
          case BindingKind.Secret x -> resources.add(new Resource("secret", b.name(), "", step.via()));
          case BindingKind.FromEnvironment e ->
              resources.add(new Resource("environment", b.name(), e.variable(), step.via()));
          case BindingKind.CryptoKey k ->
              resources.add(new Resource("cryptoKey", b.name(), keyDetail(k), step.via()));
          default -> b.kind().designator().ifPresent(targets::add);
        }
      }
      w.globalOutbound().ifPresent(targets::add);
      for (ServiceDesignator d : targets) {
        Optional<Service> found = config.service(d.name());
        if (found.isEmpty()) {
          continue;
        }
        Service t = found.get();
        Resource r = resource(t, step.via());
        resources.add(r);
        if (r.kind().equals("network") || r.kind().equals("external")) {
          egress = true;
        }
        if (t.kind() instanceof ServiceKind.WorkerService && visited.add(t.name())) {
          var via = new ArrayList<>(step.via());
          via.add(t.name());
          queue.add(new Step(t, via));
        }
      }
    }
    return new WorkerCapabilities(start.name(), new ArrayList<>(resources), egress);
  }

  private static Resource resource(Service t, List<String> via) {
    return new Resource(t.kind().kindName(), t.name(), detail(t.kind()), via);
  }

  /**
   * What a service gives access to, in the words of this report: a network's allow and deny
   * lists, an external server's address and protocol, a directory, a KV or storage backend.
   * Empty for workers and kinds without such settings. Credentials never appear: the user-info
   * part of a URL (a password in {@code redis://:pw@host}) is shown as {@code ***}.
   */
  public static String detail(ServiceKind kind) {
    requireNonNull(kind, "kind");
    return switch (kind) {
      case ServiceKind.NetworkService n -> "allow " + n.allow() + (n.deny().isEmpty() ? "" : " deny " + n.deny());
      case ServiceKind.ExternalService e -> e.address() + switch (e.protocol()) {
        case ServiceKind.ExternalHttp h -> " (http)";
        case ServiceKind.ExternalHttps h -> " (https" + h.certificateHost().map(c -> ", certificate host " + c).orElse("") + ")";
        case ServiceKind.ExternalTcp t -> t.tlsOptions().isPresent() ? " (tcp, tls)" : " (tcp)";
      };
      case ServiceKind.DiskService d -> d.path() + (d.writable() ? " (writable)" : " (read-only)");
      case ServiceKind.KvService k -> switch (k.backend()) {
        case ServiceKind.KvEmbedded e -> "embedded " + e.path().orElse("(default)");
        case ServiceKind.KvRedis r -> "redis " + redactUserInfo(r.url())
            + r.keyPrefix().map(p -> " prefix \"" + p + "\"").orElse("");
      };
      case ServiceKind.StorageService s -> switch (s.backend()) {
        case ServiceKind.StorageEmbedded e -> "embedded " + e.path().orElse("(default)");
        case ServiceKind.StorageS3 s3 -> "s3 " + s3.bucket()
            + s3.endpoint().map(u -> " endpoint " + redactUserInfo(u)).orElse("")
            + s3.region().map(r -> " region " + r).orElse("");
      };
      case ServiceKind.BucketService b -> b.path();
      default -> "";
    };
  }

  /** A key's algorithm, usages and extractability (never its material): {@code HMAC [sign, verify]}. */
  public static String keyDetail(BindingKind.CryptoKey key) {
    requireNonNull(key, "key");
    return key.algorithm() + " " + key.usages().stream().map(u -> u.webName()).toList()
        + (key.extractable() ? " extractable" : "");
  }

  /** {@code scheme://user:pw@host/...} as {@code scheme://***@host/...}; other text unchanged. */
  static String redactUserInfo(String url) {
    if (url.indexOf(',') >= 0) {
      // A cluster's seed list ("redis://:a@h1,redis://:b@h2"): each member on its own.
      var out = new StringBuilder();
      for (String member : url.split(",", -1)) {
        out.append(out.isEmpty() ? "" : ",").append(redactUserInfo(member));
      }
      return out.toString();
    }
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int end = url.indexOf('/', start);
    int at = url.lastIndexOf('@', end < 0 ? url.length() - 1 : end - 1);
    return at < start ? url : url.substring(0, start) + "***" + url.substring(at);
  }

  /** A readable listing, one block per worker. */
  public String toText() {
    var out = new StringBuilder();
    for (WorkerCapabilities w : workers) {
      out.append("worker ").append(w.service())
          .append(w.networkEgress() ? "  [network egress]" : "  [no network egress]").append('\n');
      if (w.resources().isEmpty()) {
        out.append("  (nothing)\n");
      }
      for (Resource r : w.resources()) {
        out.append("  ").append(r.kind()).append(' ').append(r.name());
        if (!r.detail().isEmpty()) {
          out.append(": ").append(r.detail());
        }
        if (!r.via().isEmpty()) {
          out.append("  via ").append(String.join(" -> ", r.via()));
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  /** The report as pretty-printed JSON: {@code {"workers": [{"service", "networkEgress", "resources"}]}}. */
  public String toJson() {
    var root = new LinkedHashMap<String, Object>();
    var list = new ArrayList<Map<String, Object>>();
    for (WorkerCapabilities w : workers) {
      var m = new LinkedHashMap<String, Object>();
      m.put("service", w.service());
      m.put("networkEgress", w.networkEgress());
      var rs = new ArrayList<Map<String, Object>>();
      for (Resource r : w.resources()) {
        var rm = new LinkedHashMap<String, Object>();
        rm.put("kind", r.kind());
        rm.put("name", r.name());
        rm.put("detail", r.detail());
        rm.put("via", r.via());
        rs.add(rm);
      }
      m.put("resources", rs);
      list.add(m);
    }
    root.put("workers", list);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
