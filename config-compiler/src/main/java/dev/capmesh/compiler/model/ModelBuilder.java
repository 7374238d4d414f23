package dev.capmesh.compiler.model;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.Diagnostics;
import dev.capmesh.compiler.ParsedConfig;
import dev.capmesh.compiler.eval.StructValue;
import dev.capmesh.compiler.eval.Value;
import dev.capmesh.compiler.schema.FieldSchema;
import dev.capmesh.compiler.schema.TypeRef;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.HttpOptions;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import dev.capmesh.schema.model.TlsOptions;
import dev.capmesh.schema.model.Worker;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns an evaluated config (a {@link StructValue} tree) into the typed model, recording where
 * each object was written. Reports what the schema allows but makes no sense (a service that is
 * nothing, a worker without code, a binding without a name). Not thread-safe; one per compile.
 */
public final class ModelBuilder {
  private final Diagnostics diagnostics;
  private final ModelSpans spans;
  private final Map<StructValue, Worker> workers = new IdentityHashMap<>();
  private final WorkerBuilder workerBuilder;

  private ModelBuilder(ParsedConfig parsed, Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
    this.spans = new ModelSpans(parsed.source().span(0, 0));
    this.workerBuilder = new WorkerBuilder(this);
  }

  /** Builds the model of {@code parsed}, adding problems to {@code diagnostics}. */
  public static BuiltModel build(ParsedConfig parsed, Diagnostics diagnostics) {
    requireNonNull(parsed, "parsed");
    requireNonNull(diagnostics, "diagnostics");
    var builder = new ModelBuilder(parsed, diagnostics);
    // Consts first, so that a service written `worker = .name` gets the const's instance.
    var consts = new LinkedHashMap<String, Worker>();
    for (ParsedConfig.Constant c : parsed.consts().values()) {
      if (c.value() instanceof StructValue sv && sv.type().qualifiedName().equals("Worker")
          && c.type() instanceof TypeRef.Struct) {
        consts.put(c.name(), builder.worker(sv));
      }
    }
    Config config = builder.config(parsed.config());
    return new BuiltModel(config, builder.spans, consts);
  }

  Diagnostics diagnostics() {
    return diagnostics;
  }

  ModelSpans spans() {
    return spans;
  }

  Worker worker(StructValue v) {
    Worker known = workers.get(v);
    if (known == null) {
      known = workerBuilder.build(v);
      workers.put(v, known);
    }
    return known;
  }

  private Config config(StructValue v) {
    var services = new ArrayList<Service>();
    for (StructValue s : structs(v, "services")) {
      services.add(service(s));
    }
    var sockets = new ArrayList<Socket>();
    for (StructValue s : structs(v, "sockets")) {
      sockets.add(socket(s));
    }
    var extensions = new ArrayList<Config.Extension>();
    for (StructValue e : structs(v, "extensions")) {
      var modules = new ArrayList<Config.ExtensionModule>();
      for (StructValue m : structs(e, "modules")) {
        modules.add(new Config.ExtensionModule(textOr(m, "name", ""), bool(m, "internal"),
            textOr(m, "esModule", "")));
      }
      extensions.add(new Config.Extension(modules));
    }
    return new Config(services, sockets, texts(v, "v8Flags"), extensions, texts(v, "autogates"),
        bool(v, "structuredLogging"));
  }

  private Service service(StructValue v) {
    String name = textOr(v, "name", "");
    if (name.isEmpty()) {
      diagnostics.error(v.span(), "Service has no name.",
          "every service needs a unique name = \"...\" that sockets and bindings refer to");
    }
    FieldSchema member = v.which();
    String which = member == null ? "unspecified" : member.name();
    ServiceKind kind = switch (which) {
      case "worker" -> new ServiceKind.WorkerService(worker((StructValue) v.get("worker")));
      case "network" -> network((StructValue) v.get("network"));
      case "external" -> external((StructValue) v.get("external"));
      case "disk" -> {
        StructValue d = (StructValue) v.get("disk");
        String path = textOr(d, "path", "");
        if (path.isEmpty()) {
          diagnostics.error(d.span(), "Disk service \"" + name + "\" has no path.");
        }
        yield new ServiceKind.DiskService(path, bool(d, "writable"), bool(d, "allowDotfiles"));
      }
      case "kv" -> kv(name, (StructValue) v.get("kv"));
      case "storage" -> storage(name, (StructValue) v.get("storage"));
      case "bucket" -> new ServiceKind.BucketService(textOr((StructValue) v.get("bucket"), "path", ""));
      case "assets" -> {
        StructValue a = (StructValue) v.get("assets");
        yield new ServiceKind.AssetsService(textOr(a, "path", ""), optText(a, "config"),
            optDesignator(a, "userWorker"), optText(a, "compatibilityDate"),
            texts(a, "compatibilityFlags"));
      }
      default -> {
        diagnostics.error(v.span(), "Service \"" + name + "\" does not say what it is.",
            "set one of worker, network, external, disk, kv or storage");
        yield new ServiceKind.Unspecified();
      }
    };
    var service = new Service(name, kind);
    spans.put(service, v.span());
    spans.put(service, "name", v.spanOf("name"));
    if (member != null) {
      spans.put(service, "kind", v.spanOf(member.name()));
    }
    return service;
  }

  private ServiceKind network(StructValue v) {
    var kind = new ServiceKind.NetworkService(texts(v, "allow"), texts(v, "deny"), optTls(v, "tlsOptions"));
    for (String list : List.of("allow", "deny")) {
      if (v.getOrDefault(list) instanceof Value.ListValue values) {
        // Field "allow.3" of the kind: where its fourth entry is written.
        for (int i = 0; i < values.elements().size(); i++) {
          spans.put(kind, list + "." + i, values.elements().get(i).span());
        }
      }
    }
    return kind;
  }

  private ServiceKind external(StructValue v) {
    String address = textOr(v, "address", "");
    if (address.isEmpty()) {
      diagnostics.error(v.span(), "External service has no address.",
          "set address = \"host:port\"");
    }
    FieldSchema member = v.which();
    String which = member == null ? "http" : member.name();
    ServiceKind.ExternalProtocol protocol = switch (which) {
      case "https" -> {
        StructValue h = (StructValue) v.get("https");
        yield new ServiceKind.ExternalHttps(http(struct(h, "options")), optTls(h, "tlsOptions"),
            optText(h, "certificateHost"));
      }
      case "tcp" -> {
        StructValue t = (StructValue) v.get("tcp");
        yield new ServiceKind.ExternalTcp(optTls(t, "tlsOptions"), optText(t, "certificateHost"));
      }
      default -> new ServiceKind.ExternalHttp(http(struct(v, "http")));
    };
    return new ServiceKind.ExternalService(address, protocol);
  }

  private ServiceKind kv(String name, StructValue v) {
    FieldSchema member = v.which();
    if (member != null && member.name().equals("redis")) {
      StructValue r = (StructValue) v.get("redis");
      String url = textOr(r, "url", "");
      if (url.isEmpty()) {
        diagnostics.error(r.span(), "KV service \"" + name + "\" uses Redis but has no url.",
            "set url = \"redis://host:6379\"");
      }
      return new ServiceKind.KvService(new ServiceKind.KvRedis(url, optText(r, "keyPrefix"),
          optText(r, "passwordEnv")));
    }
    StructValue e = struct(v, "embedded");
    return new ServiceKind.KvService(new ServiceKind.KvEmbedded(e == null ? Optional.empty() : optText(e, "path")));
  }

  private ServiceKind storage(String name, StructValue v) {
    FieldSchema member = v.which();
    if (member != null && member.name().equals("s3")) {
      StructValue s = (StructValue) v.get("s3");
      String bucket = textOr(s, "bucket", "");
      if (bucket.isEmpty()) {
        diagnostics.error(s.span(), "Storage service \"" + name + "\" uses S3 but has no bucket.",
            "set bucket = \"name\"");
      }
      return new ServiceKind.StorageService(new ServiceKind.StorageS3(optText(s, "endpoint"),
          optText(s, "region"), bucket, bool(s, "pathStyle"), optText(s, "accessKeyIdEnv"),
          optText(s, "secretAccessKeyEnv"), optText(s, "credentialsFile")));
    }
    StructValue e = struct(v, "embedded");
    return new ServiceKind.StorageService(
        new ServiceKind.StorageEmbedded(e == null ? Optional.empty() : optText(e, "path")));
  }

  private Socket socket(StructValue v) {
    String name = textOr(v, "name", "");
    if (name.isEmpty()) {
      diagnostics.error(v.span(), "Socket has no name.");
    }
    FieldSchema member = v.which();
    String which = member == null ? "http" : member.name();
    Socket.Protocol protocol = switch (which) {
      case "https" -> {
        StructValue h = (StructValue) v.get("https");
        Optional<TlsOptions> tls = optTls(h, "tlsOptions");
        if (tls.isEmpty() || tls.get().keypair().isEmpty()) {
          diagnostics.error(v.spanOf("https"), "Socket \"" + name + "\" serves HTTPS but has no keypair.",
              "set https = (tlsOptions = (keypair = (privateKey = ..., certificateChain = ...)))");
        }
        yield new Socket.Https(http(struct(h, "options")), tls.orElseGet(ModelBuilder::defaultTls));
      }
      case "tcp" -> {
        StructValue t = (StructValue) v.get("tcp");
        yield new Socket.Tcp(optTls(t, "tlsOptions"), enumName(t, "tlsMode", "implicit"));
      }
      case "udp" -> {
        StructValue u = (StructValue) v.get("udp");
        yield new Socket.Udp(integer(u, "idleTimeoutMs"), integer(u, "maxPendingBytes"));
      }
      default -> new Socket.Http(http(struct(v, "http")));
    };
    ServiceDesignator service = optDesignator(v, "service").orElse(null);
    if (service == null) {
      diagnostics.error(v.span(), "Socket \"" + name + "\" does not say which service it serves.",
          "set service = \"name-of-a-service\"");
      service = ServiceDesignator.of("");
    }
    var socket = new Socket(name, textOr(v, "address", ""), protocol, service);
    spans.put(socket, v.span());
    spans.put(socket, "name", v.spanOf("name"));
    spans.put(socket, "address", v.spanOf("address"));
    if (member != null) {
      spans.put(socket, "protocol", v.spanOf(member.name()));
    }
    return socket;
  }

  private static TlsOptions defaultTls() {
    return new TlsOptions(Optional.empty(), false, false, List.of(), "goodDefault", Optional.empty());
  }

  // ---- shared readers, package-private for WorkerBuilder ----

  HttpOptions http(@Nullable StructValue v) {
    if (v == null) {
      return HttpOptions.defaults();
    }
    var request = new ArrayList<HttpOptions.Header>();
    for (StructValue h : structs(v, "injectRequestHeaders")) {
      request.add(new HttpOptions.Header(textOr(h, "name", ""), textOr(h, "value", "")));
    }
    var response = new ArrayList<HttpOptions.Header>();
    for (StructValue h : structs(v, "injectResponseHeaders")) {
      response.add(new HttpOptions.Header(textOr(h, "name", ""), textOr(h, "value", "")));
    }
    HttpOptions.Style style = enumName(v, "style", "host").equals("proxy")
        ? HttpOptions.Style.PROXY : HttpOptions.Style.HOST;
    return new HttpOptions(style, optText(v, "forwardedProtoHeader"), optText(v, "cfBlobHeader"),
        request, response, optText(v, "capnpConnectHost"));
  }

  Optional<TlsOptions> optTls(StructValue v, String field) {
    StructValue t = struct(v, field);
    if (t == null || !v.has(field)) {
      return Optional.empty();
    }
    StructValue kp = struct(t, "keypair");
    Optional<TlsOptions.Keypair> keypair = kp == null || !t.has("keypair")
        ? Optional.empty()
        : Optional.of(new TlsOptions.Keypair(textOr(kp, "privateKey", ""),
            textOr(kp, "certificateChain", "")));
    var tls = new TlsOptions(keypair, bool(t, "requireClientCerts"),
        bool(t, "trustBrowserCas"), texts(t, "trustedCertificates"),
        enumName(t, "minVersion", "goodDefault"), optText(t, "cipherList"));
    // Where its parts are written, so that check can point at a bad key or certificate.
    spans.put(tls, v.spanOf(field));
    for (String f : List.of("keypair", "requireClientCerts", "trustBrowserCas",
        "trustedCertificates", "minVersion", "cipherList")) {
      if (t.has(f)) {
        spans.put(tls, f, t.spanOf(f));
      }
    }
    if (kp != null && t.has("keypair")) {
      for (String f : List.of("privateKey", "certificateChain")) {
        if (kp.has(f)) {
          spans.put(tls, f, kp.spanOf(f));
        }
      }
    }
    if (t.getOrDefault("trustedCertificates") instanceof Value.ListValue certs) {
      for (int i = 0; i < certs.elements().size(); i++) {
        spans.put(tls, "trustedCertificates." + i, certs.elements().get(i).span());
      }
    }
    return Optional.of(tls);
  }

  /** The designator in {@code field}, if set; its span is recorded. */
  Optional<ServiceDesignator> optDesignator(StructValue v, String field) {
    if (!v.has(field)) {
      return Optional.empty();
    }
    return Optional.of(designator((StructValue) v.get(field)));
  }

  ServiceDesignator designator(StructValue d) {
    StructValue props = struct(d, "props");
    Optional<String> json = Optional.empty();
    if (props != null && props.which() != null && props.which().name().equals("json")) {
      json = optText(props, "json");
    }
    var designator = new ServiceDesignator(textOr(d, "name", ""), optText(d, "entrypoint"), json);
    spans.put(designator, d.span());
    spans.put(designator, "entrypoint", d.spanOf("entrypoint"));
    return designator;
  }

  static List<StructValue> structs(@Nullable StructValue v, String field) {
    if (v == null || !(v.getOrDefault(field) instanceof Value.ListValue list)) {
      return List.of();
    }
    var out = new ArrayList<StructValue>();
    for (Value e : list.elements()) {
      if (e instanceof StructValue s) {
        out.add(s);
      }
    }
    return out;
  }

  static @Nullable StructValue struct(@Nullable StructValue v, String field) {
    return v != null && v.getOrDefault(field) instanceof StructValue s ? s : null;
  }

  static List<String> texts(@Nullable StructValue v, String field) {
    if (v == null || !(v.getOrDefault(field) instanceof Value.ListValue list)) {
      return List.of();
    }
    var out = new ArrayList<String>();
    for (Value e : list.elements()) {
      if (e instanceof Value.Text t) {
        out.add(t.value());
      }
    }
    return out;
  }

  static String textOr(@Nullable StructValue v, String field, String fallback) {
    return v != null && v.getOrDefault(field) instanceof Value.Text t ? t.value() : fallback;
  }

  static Optional<String> optText(@Nullable StructValue v, String field) {
    return v != null && v.has(field) && v.get(field) instanceof Value.Text t
        ? Optional.of(t.value()) : Optional.empty();
  }

  static boolean bool(@Nullable StructValue v, String field) {
    return v != null && v.getOrDefault(field) instanceof Value.Bool b && b.value();
  }

  static long integer(@Nullable StructValue v, String field) {
    return v != null && v.getOrDefault(field) instanceof Value.Int i ? i.value() : 0;
  }

  static String enumName(@Nullable StructValue v, String field, String fallback) {
    return v != null && v.getOrDefault(field) instanceof Value.Enumerant e ? e.name() : fallback;
  }
}
