package dev.capmesh.compiler.model;

import static dev.capmesh.compiler.model.ModelBuilder.bool;
import static dev.capmesh.compiler.model.ModelBuilder.optText;
import static dev.capmesh.compiler.model.ModelBuilder.struct;
import static dev.capmesh.compiler.model.ModelBuilder.structs;
import static dev.capmesh.compiler.model.ModelBuilder.textOr;
import static dev.capmesh.compiler.model.ModelBuilder.texts;

import dev.capmesh.compiler.eval.StructValue;
import dev.capmesh.compiler.eval.Value;
import dev.capmesh.compiler.schema.FieldSchema;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.BindingType;
import dev.capmesh.schema.model.KeyUsage;
import dev.capmesh.schema.model.Module;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.Worker;
import dev.capmesh.schema.model.WorkerCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds {@link Worker}s, their modules and bindings for {@link ModelBuilder}. */
final class WorkerBuilder {
  /** Worker fields the runner does not implement: modelled by name only. */
  private static final List<String> UNSUPPORTED = List.of("containerEngine", "accessBlobHeader",
      "accessBindingService", "workflowsEngine");

  private final ModelBuilder owner;

  WorkerBuilder(ModelBuilder owner) {
    this.owner = owner;
  }

  Worker build(StructValue v) {
    FieldSchema member = v.which();
    WorkerCode code;
    if (member == null) {
      owner.diagnostics().error(v.span(), "Worker has no code.",
          "set modules = [...], serviceWorkerScript = \"...\" or inherit = \"another worker\"");
      code = new WorkerCode.Modules(List.of());
    } else {
      code = switch (member.name()) {
        case "serviceWorkerScript" -> new WorkerCode.ServiceWorkerScript(textOr(v, "serviceWorkerScript", ""));
        case "inherit" -> new WorkerCode.Inherit(textOr(v, "inherit", ""));
        default -> modules(v);
      };
    }
    var bindings = new ArrayList<Binding>();
    for (StructValue b : structs(v, "bindings")) {
      bindings.add(binding(b));
    }
    var namespaces = new ArrayList<Worker.DurableObjectNamespace>();
    for (StructValue d : structs(v, "durableObjectNamespaces")) {
      FieldSchema m = d.which();
      Optional<String> key = m != null && m.name().equals("ephemeralLocal")
          ? Optional.empty() : optText(d, "uniqueKey");
      var ns = new Worker.DurableObjectNamespace(textOr(d, "className", ""), key,
          bool(d, "preventEviction"), bool(d, "enableSql"));
      owner.spans().put(ns, d.span());
      namespaces.add(ns);
    }
    var tails = new ArrayList<ServiceDesignator>();
    for (StructValue t : structs(v, "tails")) {
      tails.add(owner.designator(t));
    }
    var streamingTails = new ArrayList<ServiceDesignator>();
    for (StructValue t : structs(v, "streamingTails")) {
      streamingTails.add(owner.designator(t));
    }
    var unsupported = new ArrayList<String>();
    for (String f : UNSUPPORTED) {
      if (v.has(f)) {
        unsupported.add(f);
      }
    }
    var worker = new Worker(code, optText(v, "compatibilityDate"), texts(v, "compatibilityFlags"),
        bindings, owner.optDesignator(v, "globalOutbound"), owner.optDesignator(v, "cacheApiOutbound"),
        namespaces, optText(v, "durableObjectUniqueKeyModifier"), storage(v),
        optText(v, "moduleFallback"), tails, streamingTails, unsupported);
    ModelSpans spans = owner.spans();
    spans.put(worker, v.span());
    for (FieldSchema f : v.fields().keySet()) {
      spans.put(worker, f.name(), v.spanOf(f.name()));
    }
    return worker;
  }

  private static String storage(StructValue v) {
    StructValue s = struct(v, "durableObjectStorage");
    if (s == null || s.which() == null) {
      return "none";
    }
    String which = s.which().name();
    return which.equals("localDisk") ? "localDisk:" + textOr(s, "localDisk", "") : which;
  }

  private WorkerCode modules(StructValue v) {
    var modules = new ArrayList<Module>();
    for (StructValue m : structs(v, "modules")) {
      String name = textOr(m, "name", "");
      FieldSchema member = m.which();
      if (name.isEmpty()) {
        owner.diagnostics().error(m.span(), "Module has no name.",
            "set name = \"worker.js\"; the first module is the main one");
      }
      if (member == null) {
        owner.diagnostics().error(m.span(), "Module \"" + name + "\" has no content.",
            "set esModule = embed \"" + (name.isEmpty() ? "worker.js" : name) + "\" (or another module kind)");
        continue;
      }
      Module.Type type = moduleType(member.name());
      Value content = m.get(member.name());
      Module module = content instanceof Value.Data d
          ? new Module(name, type, "", d.bytes(), texts(m, "namedExports"))
          : new Module(name, type, content instanceof Value.Text t ? t.value() : "", new byte[0],
              texts(m, "namedExports"));
      owner.spans().put(module, m.span());
      owner.spans().put(module, "name", m.spanOf("name"));
      modules.add(module);
    }
    if (modules.isEmpty() && structs(v, "modules").isEmpty()) {
      owner.diagnostics().error(v.spanOf("modules"), "Worker has an empty modules list.",
          "list at least the main module: modules = [(name = \"worker.js\", esModule = embed \"worker.js\")]");
    }
    return new WorkerCode.Modules(modules);
  }

  private static Module.Type moduleType(String member) {
    for (Module.Type t : Module.Type.values()) {
      if (t.schemaName().equals(member)) {
        return t;
      }
    }
    return Module.Type.ES_MODULE;
  }

  Binding binding(StructValue v) {
    String name = textOr(v, "name", "");
    if (name.isEmpty()) {
      owner.diagnostics().error(v.span(), "Binding has no name.",
          "set name = \"...\": it is the property of env the worker reads");
    }
    FieldSchema member = v.which();
    String which = member == null ? "unspecified" : member.name();
    BindingKind kind = switch (which) {
      case "parameter" -> parameter(struct(v, "parameter"));
      case "text" -> new BindingKind.Text(textOr(v, "text", ""));
      case "secret" -> new BindingKind.Secret(textOr(v, "secret", ""));
      case "fromEnvironment" -> new BindingKind.FromEnvironment(textOr(v, "fromEnvironment", ""));
      case "json" -> new BindingKind.Json(textOr(v, "json", ""));
      case "data" -> new BindingKind.Data(bytes(v.get("data")));
      case "wasmModule" -> new BindingKind.WasmModule(bytes(v.get("wasmModule")));
      case "cryptoKey" -> cryptoKey(struct(v, "cryptoKey"));
      case "service" -> new BindingKind.Service(designator(v, which));
      case "kvNamespace" -> new BindingKind.KvNamespace(designator(v, which));
      case "r2Bucket" -> new BindingKind.R2Bucket(designator(v, which));
      case "durableObjectNamespace" -> {
        StructValue d = struct(v, which);
        yield new BindingKind.DurableObjectNamespace(textOr(d, "className", ""), optText(d, "serviceName"));
      }
      case "durableObjectClass", "queue", "analyticsEngine", "obsolete0" -> new BindingKind.OtherDesignated(
          which, BindingType.bySchemaName(which), designator(v, which));
      case "hyperdrive" -> {
        StructValue h = struct(v, which);
        yield new BindingKind.Hyperdrive(
            h != null && h.has("designator") ? owner.designator((StructValue) h.get("designator")) : ServiceDesignator.of(""),
            textOr(h, "database", ""), textOr(h, "user", ""), textOr(h, "password", ""), textOr(h, "scheme", ""));
      }
      case "wrapped" -> {
        StructValue w = struct(v, which);
        var inner = new ArrayList<Binding>();
        for (StructValue b : structs(w, "innerBindings")) {
          inner.add(binding(b));
        }
        yield new BindingKind.Wrapped(textOr(w, "moduleName", ""), textOr(w, "entrypoint", "default"), inner);
      }
      case "memoryCache", "workerLoader" -> new BindingKind.Other(which, BindingType.UNSPECIFIED,
          optText(struct(v, which), "id"));
      case "unsafeEval" -> new BindingKind.Other(which, BindingType.UNSPECIFIED, Optional.empty());
      case "workerdDebugPort" -> new BindingKind.Other(which, BindingType.WORKERD_DEBUG_PORT, Optional.empty());
      default -> {
        owner.diagnostics().error(v.span(), "Binding \"" + name + "\" does not say what it is.",
            "set a kind, e.g. text = \"...\", service = \"...\", kvNamespace = \"...\" or parameter = (type = ...)");
        yield new BindingKind.Unspecified();
      }
    };
    var binding = new Binding(name, kind);
    owner.spans().put(binding, v.span());
    owner.spans().put(binding, "name", v.spanOf("name"));
    owner.spans().put(binding, "kind", v.spanOf(which));
    owner.spans().put(kind, v.spanOf(which));
    return binding;
  }

  private ServiceDesignator designator(StructValue v, String field) {
    return v.get(field) instanceof StructValue d ? owner.designator(d) : ServiceDesignator.of("");
  }

  private static byte[] bytes(Value v) {
    return v instanceof Value.Data d ? d.bytes() : new byte[0];
  }

  private BindingKind parameter(StructValue p) {
    StructValue type = struct(p, "type");
    FieldSchema member = type == null ? null : type.which();
    BindingType expected = member == null ? BindingType.UNSPECIFIED : BindingType.bySchemaName(member.name());
    List<KeyUsage> usages = List.of();
    if (expected == BindingType.CRYPTO_KEY) {
      usages = usages(type.get("cryptoKey"));
    }
    if (expected == BindingType.UNSPECIFIED) {
      owner.diagnostics().error(p.span(), "Parameter does not say what type of binding fills it.",
          "set parameter = (type = (service = void)) (or text, kvNamespace, r2Bucket, ...)");
    }
    return new BindingKind.Parameter(expected == null ? BindingType.UNSPECIFIED : expected, usages,
        bool(p, "optional"));
  }

  private BindingKind cryptoKey(StructValue k) {
    FieldSchema member = k.which();
    String format = member == null ? "raw" : member.name();
    Value data = k.getOrDefault(format);
    byte[] keyData = data instanceof Value.Data d ? d.bytes()
        : data instanceof Value.Text t ? t.value().getBytes(StandardCharsets.UTF_8) : new byte[0];
    StructValue alg = struct(k, "algorithm");
    boolean isJson = alg != null && alg.which() != null && alg.which().name().equals("json");
    String algorithm = textOr(alg, isJson ? "json" : "name", "");
    if (algorithm.isEmpty()) {
      owner.diagnostics().error(k.span(), "Crypto key has no algorithm.",
          "set algorithm = (name = \"HMAC\") or algorithm = (json = \"{...}\")");
    }
    return new BindingKind.CryptoKey(format, keyData, algorithm, isJson, bool(k, "extractable"),
        usages(k.getOrDefault("usages")));
  }

  private static List<KeyUsage> usages(Value v) {
    var out = new ArrayList<KeyUsage>();
    if (v instanceof Value.ListValue list) {
      for (Value e : list.elements()) {
        if (e instanceof Value.Enumerant en && KeyUsage.byWebName(en.name()) != null) {
          out.add(KeyUsage.byWebName(en.name()));
        }
      }
    }
    return out;
  }
}
