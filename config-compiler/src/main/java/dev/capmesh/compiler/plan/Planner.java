package dev.capmesh.compiler.plan;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.CryptoKeySpec;
import dev.capmesh.proto.v1.DiskSpec;
import dev.capmesh.proto.v1.EmbeddedBackend;
import dev.capmesh.proto.v1.ExternalSpec;
import dev.capmesh.proto.v1.HttpSocket;
import dev.capmesh.proto.v1.HttpsSocket;
import dev.capmesh.proto.v1.KvSpec;
import dev.capmesh.proto.v1.Modules;
import dev.capmesh.proto.v1.NetworkSpec;
import dev.capmesh.proto.v1.RedisBackend;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.S3Backend;
import dev.capmesh.proto.v1.ServiceRef;
import dev.capmesh.proto.v1.StorageSpec;
import dev.capmesh.proto.v1.TlsSpec;
import dev.capmesh.proto.v1.Unsupported;
import dev.capmesh.proto.v1.WorkerSpec;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.KeyUsage;
import dev.capmesh.schema.model.Module;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import dev.capmesh.schema.model.TlsOptions;
import dev.capmesh.schema.model.Worker;
import dev.capmesh.schema.model.WorkerCode;
import java.util.Optional;

/**
 * Writes the {@link RunnerPlan} of a compiled config: the resolved services (abstract ones
 * left out) and sockets, each service content-hashed, the plan sealed with its version. What
 * the plan format has no shape for is carried as {@code Unsupported} with its name, so the
 * runner refuses it by name exactly where it used to. {@code bin/runner check} (through
 * {@code RunnerSupport}) reports the same things before a plan is ever written. Stateless.
 */
public final class Planner {
  private Planner() {}

  /** The sealed plan of {@code compiled}; its source is the config file's name. */
  public static RunnerPlan plan(CompiledConfig compiled) {
    requireNonNull(compiled, "compiled");
    String path = compiled.parsed().source().path();
    int slash = path.lastIndexOf('/');
    return plan(compiled.config(), slash >= 0 ? path.substring(slash + 1) : path);
  }

  /** The sealed plan of a resolved {@code config}. */
  public static RunnerPlan plan(Config config, String source) {
    requireNonNull(config, "config");
    RunnerPlan.Builder plan = RunnerPlan.newBuilder()
        .setFormat(PlanDigest.CURRENT_FORMAT)
        .setSource(requireNonNull(source, "source"));
    var seen = new java.util.HashSet<String>();
    for (Service s : config.services()) {
      if (seen.add(s.name())) { // the resolver reports duplicates; the first one is served
        plan.addServices(service(s));
      }
    }
    for (Socket s : config.sockets()) {
      plan.addSockets(socket(s));
    }
    return PlanDigest.seal(plan.build());
  }

  private static dev.capmesh.proto.v1.Service service(Service s) {
    var b = dev.capmesh.proto.v1.Service.newBuilder().setName(s.name());
    switch (s.kind()) {
      case ServiceKind.WorkerService w -> b.setWorker(worker(w.worker()));
      case ServiceKind.NetworkService n -> {
        var spec = NetworkSpec.newBuilder().addAllAllow(n.allow()).addAllDeny(n.deny());
        n.tlsOptions().ifPresent(t -> spec.setTls(tls(t)));
        b.setNetwork(spec);
      }
      case ServiceKind.ExternalService e -> {
        var spec = ExternalSpec.newBuilder().setAddress(e.address());
        switch (e.protocol()) {
          case ServiceKind.ExternalHttp h -> spec.setProtocol(ExternalSpec.Protocol.HTTP);
          case ServiceKind.ExternalHttps h -> {
            spec.setProtocol(ExternalSpec.Protocol.HTTPS);
            h.tlsOptions().ifPresent(t -> spec.setTls(tls(t)));
            h.certificateHost().ifPresent(spec::setCertificateHost);
          }
          case ServiceKind.ExternalTcp t -> {
            spec.setProtocol(ExternalSpec.Protocol.TCP);
            t.tlsOptions().ifPresent(o -> spec.setTls(tls(o)));
            t.certificateHost().ifPresent(spec::setCertificateHost);
          }
        }
        b.setExternal(spec);
      }
      case ServiceKind.DiskService d -> b.setDisk(DiskSpec.newBuilder().setPath(d.path())
          .setWritable(d.writable()).setAllowDotfiles(d.allowDotfiles()));
      case ServiceKind.KvService kv -> b.setKv(switch (kv.backend()) {
        case ServiceKind.KvEmbedded e -> KvSpec.newBuilder().setEmbedded(embedded(e.path()));
        case ServiceKind.KvRedis r -> KvSpec.newBuilder().setRedis(RedisBackend.newBuilder()
            .setUrl(r.url()).setKeyPrefix(r.keyPrefix().orElse(""))
            .setPasswordEnv(r.passwordEnv().orElse("")));
      });
      case ServiceKind.StorageService st -> b.setStorage(switch (st.backend()) {
        case ServiceKind.StorageEmbedded e -> StorageSpec.newBuilder().setEmbedded(embedded(e.path()));
        case ServiceKind.StorageS3 s3 -> StorageSpec.newBuilder().setS3(S3Backend.newBuilder()
            .setEndpoint(s3.endpoint().orElse("")).setRegion(s3.region().orElse(""))
            .setBucket(s3.bucket()).setPathStyle(s3.pathStyle())
            .setAccessKeyIdEnv(s3.accessKeyIdEnv().orElse(""))
            .setSecretAccessKeyEnv(s3.secretAccessKeyEnv().orElse(""))
            .setCredentialsFile(s3.credentialsFile().orElse("")));
      });
      case ServiceKind.BucketService x -> b.setUnsupported(unsupported(x.kindName()));
      case ServiceKind.AssetsService x -> b.setUnsupported(unsupported(x.kindName()));
      case ServiceKind.Unspecified x -> b.setUnsupported(unsupported(x.kindName()));
    }
    return b.build();
  }

  private static WorkerSpec worker(Worker w) {
    var b = WorkerSpec.newBuilder()
        .setCompatibilityDate(w.compatibilityDate().orElse(""))
        .addAllCompatibilityFlags(w.compatibilityFlags())
        .addAllUnsupportedFields(w.unsupportedFields());
    switch (w.code()) {
      case WorkerCode.Modules m -> {
        var modules = Modules.newBuilder();
        for (Module module : m.modules()) {
          modules.addModules(module(module));
        }
        b.setModules(modules);
      }
      case WorkerCode.ServiceWorkerScript s -> b.setServiceWorkerScript(s.script());
      case WorkerCode.Inherit i -> throw new IllegalArgumentException(
          "worker inherits \"" + i.parent() + "\": plans are written from resolved configs only");
    }
    for (Binding binding : w.bindings()) {
      b.addBindings(binding(binding));
    }
    w.globalOutbound().ifPresent(g -> b.setGlobalOutbound(ref(g)));
    return b.build();
  }

  private static dev.capmesh.proto.v1.Module module(Module m) {
    var kind = switch (m.type()) {
      case ES_MODULE -> dev.capmesh.proto.v1.Module.Kind.ES_MODULE;
      case COMMON_JS_MODULE -> dev.capmesh.proto.v1.Module.Kind.COMMON_JS;
      case TEXT -> dev.capmesh.proto.v1.Module.Kind.TEXT;
      case DATA -> dev.capmesh.proto.v1.Module.Kind.DATA;
      case JSON -> dev.capmesh.proto.v1.Module.Kind.JSON;
      case WASM -> dev.capmesh.proto.v1.Module.Kind.WASM;
      case PYTHON_MODULE -> dev.capmesh.proto.v1.Module.Kind.PYTHON;
      case PYTHON_REQUIREMENT -> dev.capmesh.proto.v1.Module.Kind.PYTHON_REQUIREMENT;
      case OBSOLETE, BUNDLED -> dev.capmesh.proto.v1.Module.Kind.KIND_UNSPECIFIED;
    };
    return dev.capmesh.proto.v1.Module.newBuilder()
        .setName(m.name())
        .setKind(kind)
        .setKindName(m.type().schemaName())
        .setContent(ByteString.copyFrom(m.bytes()))
        .addAllNamedExports(m.namedExports())
        .build();
  }

  private static dev.capmesh.proto.v1.Binding binding(Binding binding) {
    var b = dev.capmesh.proto.v1.Binding.newBuilder().setName(binding.name());
    switch (binding.kind()) {
      case BindingKind.Text t -> b.setText(t.value());
      case BindingKind.Secret s -> b.setSecret(s.value());
      case BindingKind.Json j -> b.setJson(j.json());
      case BindingKind.Data d -> b.setData(ByteString.copyFrom(d.bytes()));
      case BindingKind.FromEnvironment e -> b.setFromEnvironment(e.variable());
      case BindingKind.Service s -> b.setService(ref(s.service()));
      case BindingKind.KvNamespace kv -> b.setKvNamespace(ref(kv.service()));
      case BindingKind.R2Bucket r2 -> b.setR2Bucket(ref(r2.service()));
      case BindingKind.CryptoKey k -> {
        var spec = CryptoKeySpec.newBuilder()
            .setFormat(k.format())
            .setKeyData(ByteString.copyFrom(k.keyData()))
            .setAlgorithm(k.algorithm())
            .setAlgorithmIsJson(k.algorithmIsJson())
            .setExtractable(k.extractable());
        for (KeyUsage u : k.usages()) {
          spec.addUsages(u.webName());
        }
        b.setCryptoKey(spec);
      }
      default -> b.setUnsupported(unsupported(binding.kind().kindName()));
    }
    return b.build();
  }

  private static dev.capmesh.proto.v1.Socket socket(Socket s) {
    var b = dev.capmesh.proto.v1.Socket.newBuilder()
        .setName(s.name())
        .setAddress(s.address())
        .setService(ref(s.service()));
    switch (s.protocol()) {
      case Socket.Http h -> b.setHttp(HttpSocket.getDefaultInstance());
      case Socket.Https h -> b.setHttps(HttpsSocket.newBuilder().setTls(tls(h.tlsOptions())));
      default -> b.setUnsupported(unsupported(s.protocol().kindName()));
    }
    return b.build();
  }

  private static ServiceRef ref(ServiceDesignator d) {
    return ServiceRef.newBuilder()
        .setService(d.name())
        .setEntrypoint(d.entrypoint().orElse(""))
        .setPropsJson(d.propsJson().orElse(""))
        .build();
  }

  private static TlsSpec tls(TlsOptions t) {
    var b = TlsSpec.newBuilder()
        .setPresent(true)
        .setRequireClientCerts(t.requireClientCerts())
        .setTrustBrowserCas(t.trustBrowserCas())
        .addAllTrustedCertificates(t.trustedCertificates())
        .setMinVersion(t.minVersion())
        .setCipherList(t.cipherList().orElse(""));
    t.keypair().ifPresent(k -> b.setPrivateKey(k.privateKey()).setCertificateChain(k.certificateChain()));
    return b.build();
  }

  private static EmbeddedBackend embedded(Optional<String> path) {
    return EmbeddedBackend.newBuilder().setPath(path.orElse("")).build();
  }

  private static Unsupported unsupported(String kind) {
    return Unsupported.newBuilder().setKind(kind).build();
  }
}
