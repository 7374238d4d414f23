package dev.capmesh.runner.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.capmesh.runner.audit.AuditReader;
import dev.capmesh.runner.audit.AuditVerifier;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.KeyUsage;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Worker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Granted against used ({@code runner capabilities --usage AUDIT.log... config.capnp}): for each
 * worker of a resolved config, each capability it holds (a binding that reaches something, its
 * {@code globalOutbound}, each usage of a crypto key) with how often the audit log shows it used,
 * grants never used (candidates to remove), and what the worker tried to reach without a grant
 * or against its policy. Immutable once built.
 */
final class UsageReport {
  /** The binding name audit lines give a global fetch() through globalOutbound. */
  static final String GLOBAL_OUTBOUND = "globalOutbound";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Uses of one grant (or of one attempt), counted. */
  static final class Tally {
    long uses;
    long errors;
    long denied;
    @Nullable Instant last;
    final Map<String, Long> byOperation = new TreeMap<>();
    final Map<String, Long> destinations = new LinkedHashMap<>();

    void add(AuditReader.Use u) {
      uses++;
      byOperation.merge(u.op(), 1L, Long::sum);
      if (u.outcome().equals("ERROR")) {
        errors++;
      } else if (u.outcome().equals("DENIED")) {
        denied++;
      }
      if (last == null || u.time().isAfter(last)) {
        last = u.time();
      }
    }
  }

  /**
   * One capability a worker was granted.
   *
   * @param binding the binding's name, or {@code globalOutbound}
   * @param what how the config describes it: {@code kv -> kv "ns"}, {@code cryptoKey HMAC [sign]}
   * @param usages for crypto keys: the usages granted
   * @param extractable for crypto keys: whether it may be exported
   * @param egress whether it reaches the network (destinations are worth listing)
   */
  record Grant(String binding, String what, List<String> usages, boolean extractable, boolean egress,
      Tally tally) {}

  /** One worker's part of the report. */
  record WorkerUsage(String worker, boolean isAbstract, List<Grant> grants, List<String> values,
      Map<String, Tally> attempts) {}

  private final List<WorkerUsage> workers = new ArrayList<>();
  /** Uses of (worker, binding) pairs the config does not grant (the config changed since). */
  private final Map<String, Tally> ungranted = new TreeMap<>();
  private final AuditReader.Summary summary;
  private final int files;
  private @Nullable Instant from;
  private @Nullable Instant to;

  private UsageReport(AuditReader.Summary summary, int files) {
    this.summary = summary;
    this.files = files;
  }

  /** The report of {@code config} over the uses in {@code auditFiles}. */
  static UsageReport of(Config config, List<Path> auditFiles) throws IOException {
    // A glob such as audit.log* matches the checkpoint too: it holds no uses.
    auditFiles = auditFiles.stream().filter(p -> !AuditVerifier.isCheckpointName(p)).toList();
    var byWorker = new LinkedHashMap<String, WorkerUsage>();
    var grants = new LinkedHashMap<String, Grant>();
    for (Service s : config.services()) {
      if (s.kind() instanceof ServiceKind.WorkerService ws) {
        WorkerUsage wu = worker(config, s.name(), ws.worker());
        byWorker.put(s.name(), wu);
        for (Grant g : wu.grants()) {
          grants.put(s.name() + "\u0000" + g.binding(), g);
        }
      }
    }
    var times = new Instant[2];
    var ungranted = new TreeMap<String, Tally>();
    AuditReader.Summary summary = AuditReader.read(auditFiles, u -> {
      if (times[0] == null || u.time().isBefore(times[0])) {
        times[0] = u.time();
      }
      if (times[1] == null || u.time().isAfter(times[1])) {
        times[1] = u.time();
      }
      WorkerUsage wu = byWorker.get(u.worker());
      boolean attempt = u.outcome().equals("REFUSED") || u.outcome().equals("DENIED");
      if (wu != null && attempt) {
        String key = u.outcome() + " " + (u.binding().isEmpty() ? "" : u.binding() + " ") + u.op()
            + " " + (u.target() == null ? "" : u.target());
        wu.attempts().computeIfAbsent(key, k -> new Tally()).add(u);
      }
      if (u.binding().isEmpty()) {
        return; // an attempt without any binding
      }
      Grant g = grants.get(u.worker() + "\u0000" + u.binding());
      if (g == null) {
        ungranted.computeIfAbsent(u.worker() + " " + u.binding() + " (" + u.kind() + ")", k -> new Tally()).add(u);
        return;
      }
      g.tally().add(u);
      if (g.egress() && u.target() != null) {
        g.tally().destinations.merge(host(u.target()), 1L, Long::sum);
      }
    });
    var report = new UsageReport(summary, auditFiles.size());
    report.workers.addAll(byWorker.values());
    report.ungranted.putAll(ungranted);
    report.from = times[0];
    report.to = times[1];
    return report;
  }

  private static WorkerUsage worker(Config config, String name, Worker w) {
    var grants = new ArrayList<Grant>();
    var values = new ArrayList<String>();
    boolean isAbstract = false;
    for (Binding b : w.bindings()) {
      switch (b.kind()) {
        case BindingKind.CryptoKey k -> grants.add(new Grant(b.name(), "cryptoKey " + algorithm(k)
            + " " + k.usages().stream().map(KeyUsage::webName).toList()
            + (k.extractable() ? " extractable" : ""),
            k.usages().stream().map(KeyUsage::webName).toList(), k.extractable(), false, new Tally()));
        case BindingKind.Secret x -> values.add(b.name() + " (secret)");
        case BindingKind.FromEnvironment e -> values.add(b.name() + " (fromEnvironment)");
        case BindingKind.Text x -> values.add(b.name() + " (text)");
        case BindingKind.Json x -> values.add(b.name() + " (json)");
        case BindingKind.Data x -> values.add(b.name() + " (data)");
        case BindingKind.Parameter p -> {
          if (!p.optional()) {
            isAbstract = true;
          }
        }
        default -> {
          var d = b.kind().designator();
          if (d.isPresent()) {
            grants.add(designated(config, b.name(), b.kind().kindName(), d.get()));
          } else {
            values.add(b.name() + " (" + b.kind().kindName() + ")");
          }
        }
      }
    }
    w.globalOutbound().ifPresent(d -> grants.add(designated(config, GLOBAL_OUTBOUND, "", d)));
    return new WorkerUsage(name, isAbstract, grants, values, new TreeMap<>());
  }

  private static Grant designated(Config config, String binding, String bindingKind, ServiceDesignator d) {
    String targetKind = config.service(d.name()).map(t -> t.kind().kindName()).orElse("missing");
    boolean egress = targetKind.equals("network") || targetKind.equals("external");
    String what = (bindingKind.isEmpty() ? "" : bindingKind + " ") + "-> " + targetKind + " \"" + d.name()
        + "\"" + d.entrypoint().map(e -> " entrypoint " + e).orElse("");
    return new Grant(binding, what, List.of(), false, egress, new Tally());
  }

  /** A key's algorithm name (the "name" of a JSON algorithm). */
  private static String algorithm(BindingKind.CryptoKey k) {
    if (!k.algorithmIsJson()) {
      return k.algorithm();
    }
    try {
      JsonNode n = JSON.readTree(k.algorithm());
      return n.path("name").asText(k.algorithm());
    } catch (IOException e) {
      return k.algorithm();
    }
  }

  /** {@code host:port} of a URL target ({@code http://h:1/x} gives {@code h:1}). */
  static String host(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int end = url.indexOf('/', start);
    return url.substring(start, end < 0 ? url.length() : end);
  }

  /** The usages of a crypto grant the log never shows exercised. */
  private static List<String> unusedUsages(Grant g) {
    var out = new ArrayList<String>();
    for (String usage : g.usages()) {
      if (g.tally().byOperation.getOrDefault(usage, 0L) == 0) {
        out.add(usage);
      }
    }
    return out;
  }

  private static boolean exported(Grant g) {
    return g.tally().byOperation.getOrDefault("exportKey", 0L) > 0
        || g.tally().byOperation.getOrDefault("wrapKey", 0L) > 0;
  }

  // ------------------------------------------------------------------ text

  /** The report as text: a block per worker, grants aligned, never-used ones flagged. */
  String toText() {
    var out = new StringBuilder();
    out.append("capabilities used, from ").append(files).append(files == 1 ? " audit file: " : " audit files: ")
        .append(summary.uses()).append(summary.uses() == 1 ? " use" : " uses");
    if (from != null) {
      out.append(", ").append(from).append(" to ").append(to);
    }
    out.append('\n');
    if (summary.unreadable() > 0) {
      out.append("  (").append(summary.unreadable()).append(" unreadable lines skipped: run `runner audit "
          + "verify` on these files)\n");
    }
    var candidates = new ArrayList<String>();
    long attempts = 0;
    int grantCount = 0;
    for (WorkerUsage w : workers) {
      out.append('\n').append("worker ").append(w.worker());
      if (w.isAbstract()) {
        out.append("  (abstract: not started, so never used)");
      }
      out.append('\n');
      int nameWidth = w.grants().stream().mapToInt(g -> g.binding().length()).max().orElse(0);
      int whatWidth = w.grants().stream().mapToInt(g -> g.what().length()).max().orElse(0);
      if (w.grants().isEmpty()) {
        out.append("  (no capabilities)\n");
      }
      for (Grant g : w.grants()) {
        grantCount++;
        Tally t = g.tally();
        out.append("  ").append(pad(g.binding(), nameWidth)).append("  ").append(pad(g.what(), whatWidth))
            .append("  ");
        if (t.uses == 0) {
          out.append("UNUSED");
          if (!w.isAbstract()) {
            out.append(" -> candidate to remove");
            candidates.add(w.worker() + "." + g.binding());
          }
          out.append('\n');
          continue;
        }
        out.append(t.uses).append(t.uses == 1 ? " use: " : " uses: ").append(operations(t.byOperation));
        if (t.errors > 0) {
          out.append(", ").append(t.errors).append(t.errors == 1 ? " error" : " errors");
        }
        if (t.denied > 0) {
          out.append(", ").append(t.denied).append(" denied");
        }
        out.append("; last ").append(t.last).append('\n');
        String indent = "  " + " ".repeat(nameWidth + 2);
        List<String> unused = unusedUsages(g);
        if (!unused.isEmpty() && !g.usages().isEmpty()) {
          out.append(indent).append("usages never used: ").append(String.join(", ", unused))
              .append(" -> candidates to remove from usages\n");
          unused.forEach(u -> candidates.add(w.worker() + "." + g.binding() + ":" + u));
        }
        if (g.extractable() && !exported(g)) {
          out.append(indent).append("extractable, never exported -> candidate for extractable = false\n");
        }
        if (!t.destinations.isEmpty()) {
          out.append(indent).append("reached: ").append(top(t.destinations, 5)).append('\n');
        }
      }
      if (!w.values().isEmpty()) {
        out.append("  values (not audited): ").append(String.join(", ", w.values())).append('\n');
      }
      if (!w.attempts().isEmpty()) {
        out.append("  refused or denied attempts (what it tried to reach without a grant, or against "
            + "its policy):\n");
        var sorted = new ArrayList<>(w.attempts().entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<String, Tally> e) -> -e.getValue().uses)
            .thenComparing(Map.Entry::getKey));
        for (var e : sorted) {
          attempts += e.getValue().uses;
          out.append("    ").append(e.getKey()).append("  ").append(e.getValue().uses).append("x; last ")
              .append(e.getValue().last).append('\n');
        }
      }
    }
    if (!ungranted.isEmpty()) {
      out.append("\nuses of bindings this config does not grant (the config changed since?):\n");
      ungranted.forEach((k, t) -> out.append("  ").append(k).append("  ").append(t.uses).append("x; last ")
          .append(t.last).append('\n'));
    }
    out.append("\nsummary: ").append(grantCount).append(grantCount == 1 ? " grant, " : " grants, ")
        .append(candidates.stream().filter(c -> !c.contains(":")).count()).append(" never used");
    if (!candidates.isEmpty()) {
      out.append(" (candidates to remove: ").append(String.join(", ", candidates)).append(')');
    }
    out.append("; ").append(attempts).append(attempts == 1 ? " refused or denied attempt" : " refused or denied attempts")
        .append('\n');
    return out.toString();
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private static String operations(Map<String, Long> byOperation) {
    var parts = new ArrayList<String>();
    byOperation.forEach((op, n) -> parts.add(op + " " + n));
    return String.join(", ", parts);
  }

  private static String top(Map<String, Long> counts, int n) {
    var sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(Comparator.comparingLong((Map.Entry<String, Long> e) -> -e.getValue()).thenComparing(Map.Entry::getKey));
    var parts = new ArrayList<String>();
    for (int i = 0; i < Math.min(n, sorted.size()); i++) {
      parts.add(sorted.get(i).getKey() + " (" + sorted.get(i).getValue() + ")");
    }
    return String.join(", ", parts) + (sorted.size() > n ? ", and " + (sorted.size() - n) + " more" : "");
  }

  // ------------------------------------------------------------------ JSON

  /** The report as pretty-printed JSON (see docs/RUNNER.md, "Audit trail"). */
  String toJson() {
    var root = new LinkedHashMap<String, Object>();
    var window = new LinkedHashMap<String, Object>();
    window.put("files", files);
    window.put("uses", summary.uses());
    window.put("unreadableLines", summary.unreadable());
    window.put("from", from == null ? null : from.toString());
    window.put("to", to == null ? null : to.toString());
    root.put("window", window);
    var list = new ArrayList<Map<String, Object>>();
    for (WorkerUsage w : workers) {
      var m = new LinkedHashMap<String, Object>();
      m.put("worker", w.worker());
      m.put("abstract", w.isAbstract());
      var gs = new ArrayList<Map<String, Object>>();
      for (Grant g : w.grants()) {
        var gm = new LinkedHashMap<String, Object>();
        gm.put("binding", g.binding());
        gm.put("grant", g.what());
        gm.put("uses", g.tally().uses);
        gm.put("byOperation", g.tally().byOperation);
        gm.put("errors", g.tally().errors);
        gm.put("denied", g.tally().denied);
        gm.put("lastUsed", g.tally().last == null ? null : g.tally().last.toString());
        gm.put("unused", g.tally().uses == 0);
        if (!g.usages().isEmpty()) {
          gm.put("usages", g.usages());
          gm.put("unusedUsages", unusedUsages(g));
          gm.put("extractableNeverExported", g.extractable() && !exported(g));
        }
        if (g.egress()) {
          gm.put("reached", g.tally().destinations);
        }
        gs.add(gm);
      }
      m.put("grants", gs);
      m.put("values", w.values());
      m.put("attempts", attempts(w.attempts()));
      list.add(m);
    }
    root.put("workers", list);
    root.put("ungranted", attempts(ungranted));
    try {
      return JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Map<String, Object>> attempts(Map<String, Tally> tallies) {
    var out = new ArrayList<Map<String, Object>>();
    tallies.forEach((what, t) -> {
      var am = new LinkedHashMap<String, Object>();
      am.put("what", what);
      am.put("count", t.uses);
      am.put("last", t.last == null ? null : t.last.toString());
      out.add(am);
    });
    return out;
  }
}
