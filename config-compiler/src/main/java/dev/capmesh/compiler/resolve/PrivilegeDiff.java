package dev.capmesh.compiler.resolve;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.capmesh.compiler.resolve.Privileges.Held;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The privileges each worker gains and loses between two resolved configs, and the sockets whose
 * exposure changed: what a reviewer should see before a config change is pushed.
 *
 * <p>Both configs are compared after {@code inherit} and {@code parameter} are applied (see
 * {@code CompiledConfig.config()}), so a derived worker gains what its parent gains. A privilege
 * is a binding (kind, name and what it designates, including the designated service's backend,
 * network rules or address), an outbound service, or a resource reached only through a chain of
 * service bindings (from {@link CapabilityReport}). A binding whose designation changes is lost in
 * its old form and gained in its new one. Values of {@code text}, {@code json}, {@code data} and
 * {@code secret} bindings never appear; a changed credential (secret value, key material,
 * hyperdrive password, a wrapped binding's inner values) is reported as changed, without its
 * value. Changes of code and of non-credential values are not privileges and are not reported.
 *
 * <p>Immutable; everything is sorted, so the same two configs always give the same output.
 *
 * @param workers the workers with a change, by name
 * @param sockets the socket changes, by socket name
 */
public record PrivilegeDiff(List<WorkerChange> workers, List<SocketChange> sockets) {

  public PrivilegeDiff {
    workers = List.copyOf(workers);
    sockets = List.copyOf(sockets);
  }

  /** What a privilege is, in the order the diff lists them. */
  public enum Category {
    /** An {@code env} binding. */
    BINDING,
    /** {@code globalOutbound}, {@code cacheApiOutbound}, tails. */
    OUTBOUND,
    /** A resource reached only through other workers' bindings. */
    REACH
  }

  /**
   * One privilege of a worker.
   *
   * @param category what it is
   * @param name the binding name, the outbound field, or {@code kind name} of a reached resource
   * @param text the privilege in words (never a value)
   * @param via for {@link Category#REACH}: the services it is reached through, nearest first
   */
  public record Privilege(Category category, String name, String text, List<String> via) {
    public Privilege {
      requireNonNull(category, "category");
      requireNonNull(name, "name");
      requireNonNull(text, "text");
      via = List.copyOf(via);
    }
  }

  /** Whether a worker is new, gone, or present in both configs. */
  public enum Status { ADDED, REMOVED, CHANGED }

  /**
   * The changes of one worker service.
   *
   * @param worker the service name
   * @param status added, removed or changed
   * @param gains privileges only the new config gives it
   * @param loses privileges only the old config gave it
   * @param credentialsChanged bindings held in both whose credential value changed, as
   *     {@code kind NAME} (for example {@code secret API_KEY})
   */
  public record WorkerChange(String worker, Status status, List<Privilege> gains, List<Privilege> loses,
      List<String> credentialsChanged) {
    public WorkerChange {
      requireNonNull(worker, "worker");
      requireNonNull(status, "status");
      gains = List.copyOf(gains);
      loses = List.copyOf(loses);
      credentialsChanged = List.copyOf(credentialsChanged);
    }
  }

  /** What changed about a socket. */
  public enum SocketChangeKind { ADDED, REMOVED, ADDRESS, PROTOCOL, SERVICE }

  /**
   * One change of a socket.
   *
   * @param socket the socket's name
   * @param kind what changed
   * @param text the change in words
   * @param publicExposure whether it newly exposes something beyond loopback: a new socket on a
   *     public address, an address that now reaches more interfaces, or a public socket that now
   *     serves a different service
   */
  public record SocketChange(String socket, SocketChangeKind kind, String text, boolean publicExposure) {
    public SocketChange {
      requireNonNull(socket, "socket");
      requireNonNull(kind, "kind");
      text = Privileges.escape(requireNonNull(text, "text"), false);
    }
  }

  private static final Comparator<Privilege> ORDER = Comparator.comparing(Privilege::category)
      .thenComparing(Privilege::name).thenComparing(Privilege::text);

  /** The privilege changes from {@code before} to {@code after}, both resolved configs. */
  public static PrivilegeDiff between(Config before, Config after) {
    requireNonNull(before, "before");
    requireNonNull(after, "after");
    Map<String, Map<String, Held>> old = privileges(before);
    Map<String, Map<String, Held>> neu = privileges(after);
    var names = new TreeSet<String>(old.keySet());
    names.addAll(neu.keySet());
    var workers = new ArrayList<WorkerChange>();
    for (String name : names) {
      Map<String, Held> o = old.get(name);
      Map<String, Held> n = neu.get(name);
      if (o == null) {
        workers.add(new WorkerChange(name, Status.ADDED, sorted(n.values()), List.of(), List.of()));
      } else if (n == null) {
        workers.add(new WorkerChange(name, Status.REMOVED, List.of(), sorted(o.values()), List.of()));
      } else {
        var gains = new ArrayList<Held>();
        var loses = new ArrayList<Held>();
        var changed = new TreeSet<String>();
        for (var e : n.entrySet()) {
          Held was = o.get(e.getKey());
          if (was == null) {
            gains.add(e.getValue());
          } else if (e.getValue().credential() != null
              && !e.getValue().credential().equals(was.credential())) {
            Privilege p = e.getValue().privilege();
            changed.add(e.getValue().credential().kindName() + " " + Privileges.name(p.name()));
          }
        }
        for (var e : o.entrySet()) {
          if (!n.containsKey(e.getKey())) {
            loses.add(e.getValue());
          }
        }
        if (!gains.isEmpty() || !loses.isEmpty() || !changed.isEmpty()) {
          workers.add(new WorkerChange(name, Status.CHANGED, sorted(gains), sorted(loses),
              List.copyOf(changed)));
        }
      }
    }
    return new PrivilegeDiff(workers, sockets(before, after));
  }

  private static List<Privilege> sorted(java.util.Collection<Held> held) {
    return held.stream().map(Held::privilege).sorted(ORDER).toList();
  }

  /** Every worker service's privileges, by service name. */
  private static Map<String, Map<String, Held>> privileges(Config config) {
    var reach = new LinkedHashMap<String, CapabilityReport.WorkerCapabilities>();
    for (CapabilityReport.WorkerCapabilities w : CapabilityReport.of(config).workers()) {
      reach.putIfAbsent(w.service(), w);
    }
    var out = new TreeMap<String, Map<String, Held>>();
    for (Service s : config.services()) {
      if (s.kind() instanceof ServiceKind.WorkerService) {
        out.putIfAbsent(s.name(), Privileges.of(config, s, reach.get(s.name())));
      }
    }
    return out;
  }

  private static List<SocketChange> sockets(Config before, Config after) {
    Map<String, Socket> old = byName(before.sockets());
    Map<String, Socket> neu = byName(after.sockets());
    var names = new TreeSet<String>(old.keySet());
    names.addAll(neu.keySet());
    var out = new ArrayList<SocketChange>();
    for (String name : names) {
      Socket o = old.get(name);
      Socket n = neu.get(name);
      if (o == null) {
        out.add(new SocketChange(name, SocketChangeKind.ADDED, Privileges.socket(after, n),
            Privileges.isPublic(n.address())));
        continue;
      }
      if (n == null) {
        out.add(new SocketChange(name, SocketChangeKind.REMOVED, Privileges.socket(before, o), false));
        continue;
      }
      if (!o.address().equals(n.address())) {
        boolean wider = Privileges.isPublic(n.address())
            && !Privileges.exposure(n.address()).equals(Privileges.exposure(o.address()));
        out.add(new SocketChange(name, SocketChangeKind.ADDRESS,
            Privileges.address(o.address()) + " -> " + Privileges.address(n.address()), wider));
      }
      if (!o.protocol().kindName().equals(n.protocol().kindName())) {
        out.add(new SocketChange(name, SocketChangeKind.PROTOCOL,
            o.protocol().kindName() + " -> " + n.protocol().kindName(), false));
      }
      String was = Privileges.target(before, o.service());
      String now = Privileges.target(after, n.service());
      if (!was.equals(now)) {
        out.add(new SocketChange(name, SocketChangeKind.SERVICE, now + " (was " + was + ")",
            Privileges.isPublic(n.address())));
      }
    }
    return out;
  }

  private static Map<String, Socket> byName(List<Socket> sockets) {
    var out = new TreeMap<String, Socket>();
    for (Socket s : sockets) {
      out.putIfAbsent(s.name(), s);
    }
    return out;
  }

  /** Whether no privilege and no socket changed. */
  public boolean isEmpty() {
    return workers.isEmpty() && sockets.isEmpty();
  }

  /**
   * One line per change, workers first, then sockets; empty when nothing changed:
   * <pre>
   * worker "checkout" gains: kvNamespace SESSIONS -> service "sessions-prod" (kv: embedded (default))
   * worker "checkout" loses: network egress (globalOutbound "internet": allow [public])
   * worker "checkout": secret API_KEY changed
   * socket "http" address: 127.0.0.1:8080 (loopback) -> *:8080 (all interfaces)  [new public exposure]
   * </pre>
   */
  public String toText() {
    var out = new StringBuilder();
    for (WorkerChange w : workers) {
      String head = "worker " + Privileges.quote(w.worker());
      switch (w.status()) {
        case ADDED -> out.append(head).append(" added").append(w.gains().isEmpty() ? " (no privileges)" : "").append('\n');
        case REMOVED -> out.append(head).append(" removed").append('\n');
        case CHANGED -> { }
      }
      for (Privilege p : w.gains()) {
        out.append(head).append(" gains: ").append(p.text()).append('\n');
      }
      for (Privilege p : w.loses()) {
        out.append(head).append(" loses: ").append(p.text()).append('\n');
      }
      for (String c : w.credentialsChanged()) {
        out.append(head).append(": ").append(c).append(" changed\n");
      }
    }
    for (SocketChange s : sockets) {
      out.append("socket ").append(Privileges.quote(s.socket())).append(' ').append(switch (s.kind()) {
        case ADDED -> "added: ";
        case REMOVED -> "removed: ";
        case ADDRESS -> "address: ";
        case PROTOCOL -> "protocol: ";
        case SERVICE -> "now serves: ";
      }).append(s.text()).append(s.publicExposure() ? "  [new public exposure]" : "").append('\n');
    }
    return out.toString();
  }

  /**
   * The diff as pretty-printed JSON: {@code {"differ", "workers": [{"worker", "status", "gains",
   * "loses", "credentialsChanged"}], "sockets": [{"socket", "change", "text", "publicExposure"}]}};
   * each privilege is {@code {"category", "name", "text", "via"}}.
   */
  public String toJson() {
    var root = new LinkedHashMap<String, Object>();
    root.put("differ", !isEmpty());
    var ws = new ArrayList<Map<String, Object>>();
    for (WorkerChange w : workers) {
      var m = new LinkedHashMap<String, Object>();
      m.put("worker", w.worker());
      m.put("status", w.status().name().toLowerCase(java.util.Locale.ROOT));
      m.put("gains", json(w.gains()));
      m.put("loses", json(w.loses()));
      m.put("credentialsChanged", w.credentialsChanged());
      ws.add(m);
    }
    root.put("workers", ws);
    var ss = new ArrayList<Map<String, Object>>();
    for (SocketChange s : sockets) {
      var m = new LinkedHashMap<String, Object>();
      m.put("socket", s.socket());
      m.put("change", s.kind().name().toLowerCase(java.util.Locale.ROOT));
      m.put("text", s.text());
      m.put("publicExposure", s.publicExposure());
      ss.add(m);
    }
    root.put("sockets", ss);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Map<String, @Nullable Object>> json(List<Privilege> privileges) {
    var out = new ArrayList<Map<String, @Nullable Object>>();
    for (Privilege p : privileges) {
      var m = new LinkedHashMap<String, @Nullable Object>();
      m.put("category", p.category().name().toLowerCase(java.util.Locale.ROOT));
      m.put("name", p.name());
      m.put("text", p.text());
      m.put("via", p.via());
      out.add(m);
    }
    return out;
  }
}
