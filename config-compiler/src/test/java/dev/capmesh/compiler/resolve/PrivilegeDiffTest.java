package dev.capmesh.compiler.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.compiler.ConfigCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Privilege diffs of pairs of small configs, compiled from files as the CLI compiles them. */
class PrivilegeDiffTest {
  private static final ConfigCompiler COMPILER = ConfigCompiler.create();

  @TempDir Path dir;
  private int files;

  /** A worker service {@code name} with the given bindings and extra worker fields. */
  private static String worker(String name, String bindings, String extra) {
    return "(name = \"" + name + "\", worker = (modules = [(name = \"w.js\", esModule = \"export default {}\")], "
        + "compatibilityDate = \"2024-09-01\", bindings = [" + bindings + "]" + extra + ")),\n";
  }

  private static String worker(String name, String bindings) {
    return worker(name, bindings, "");
  }

  private static String config(String services, String sockets) {
    return "using Workerd = import \"/workerd/workerd.capnp\";\n"
        + "const config :Workerd.Config = (\n  services = [\n" + services + "  ],\n  sockets = [" + sockets + "],\n);\n";
  }

  private static String config(String services) {
    return config(services, "");
  }

  private PrivilegeDiff diff(String before, String after) throws Exception {
    return PrivilegeDiff.between(compile(before), compile(after));
  }

  private dev.capmesh.schema.model.Config compile(String text) throws Exception {
    Path file = dir.resolve("c" + files++ + ".capnp");
    Files.writeString(file, text);
    return COMPILER.compile(file, null).config();
  }

  private static final String RESOURCES = """
      (name = "sessions-prod", kv = (redis = (url = "redis://10.0.0.5:6379/0", keyPrefix = "s:"))),
      (name = "sessions-dev", kv = (embedded = (path = "/tmp/sessions"))),
      (name = "media", storage = (s3 = (endpoint = "http://127.0.0.1:9000", region = "eu-1", bucket = "media"))),
      (name = "internet", network = (allow = ["public"], deny = ["10.0.0.0/8"])),
      (name = "payments", external = (address = "203.0.113.7:443", https = ())),
      """;

  private static final String ALL_KINDS = "(name = \"API\", service = (name = \"api\", entrypoint = \"Admin\", "
      + "props = (json = \"{\\\"tenant\\\":7}\"))), "
      + "(name = \"SESSIONS\", kvNamespace = \"sessions-prod\"), "
      + "(name = \"MEDIA\", r2Bucket = \"media\"), "
      + "(name = \"SIGNING\", cryptoKey = (hex = \"00ff00ff\", algorithm = (json = \"{\\\"name\\\":\\\"HMAC\\\",\\\"hash\\\":\\\"SHA-256\\\"}\"), usages = [sign, verify])), "
      + "(name = \"API_KEY\", secret = \"sk-live-SUPERSECRET\"), "
      + "(name = \"GREETING\", text = \"hello-TEXTVALUE\"), "
      + "(name = \"SETTINGS\", json = \"{\\\"mode\\\":\\\"JSONVALUE\\\"}\"), "
      + "(name = \"BLOB\", data = \"DATAVALUE\"), "
      + "(name = \"HOME_DIR\", fromEnvironment = \"HOME\")";

  private static final String API = worker("api", "");

  @Test
  void identicalConfigsDifferInNothing() throws Exception {
    String c = config(worker("checkout", ALL_KINDS, ", globalOutbound = \"internet\"") + API + RESOURCES,
        "(name = \"http\", address = \"127.0.0.1:8080\", http = (), service = \"checkout\")");
    PrivilegeDiff d = diff(c, c);
    assertThat(d.isEmpty()).isTrue();
    assertThat(d.toText()).isEmpty();
    assertThat(d.toJson()).contains("\"differ\" : false");
  }

  @Test
  void addedBindingsOfEveryKindAreGainsDescribedByDesignationNeverByValue() throws Exception {
    String before = config(worker("checkout", "") + API + RESOURCES);
    String after = config(worker("checkout", ALL_KINDS) + API + RESOURCES);
    PrivilegeDiff d = diff(before, after);
    assertThat(d.toText()).isEqualTo("""
        worker "checkout" gains: service API -> service "api" entrypoint "Admin" props {"tenant":7} (worker)
        worker "checkout" gains: secret API_KEY
        worker "checkout" gains: data BLOB
        worker "checkout" gains: text GREETING
        worker "checkout" gains: fromEnvironment HOME_DIR <- environment variable "HOME"
        worker "checkout" gains: r2Bucket MEDIA -> service "media" (storage: s3 media endpoint http://127.0.0.1:9000 region eu-1)
        worker "checkout" gains: kvNamespace SESSIONS -> service "sessions-prod" (kv: redis redis://10.0.0.5:6379/0 prefix "s:")
        worker "checkout" gains: json SETTINGS
        worker "checkout" gains: cryptoKey SIGNING ({"name":"HMAC","hash":"SHA-256"} [sign, verify])
        """);
    assertNoValues(d);

    PrivilegeDiff back = diff(after, before);
    assertThat(back.toText().lines()).hasSize(9).allMatch(l -> l.startsWith("worker \"checkout\" loses: "));
    assertThat(back.workers().get(0).loses()).extracting(PrivilegeDiff.Privilege::name)
        .containsExactly("API", "API_KEY", "BLOB", "GREETING", "HOME_DIR", "MEDIA", "SESSIONS", "SETTINGS", "SIGNING");
    assertNoValues(back);
  }

  private static void assertNoValues(PrivilegeDiff d) {
    for (String out : new String[] {d.toText(), d.toJson(), d.toString()}) {
      assertThat(out).doesNotContain("SUPERSECRET", "TEXTVALUE", "JSONVALUE", "DATAVALUE", "00ff00ff", "sk-live");
    }
  }

  @Test
  void aChangedDesignationIsTheOldOneLostAndTheNewOneGained() throws Exception {
    String before = config(worker("checkout", "(name = \"SESSIONS\", kvNamespace = \"sessions-dev\")") + RESOURCES);
    String after = config(worker("checkout", "(name = \"SESSIONS\", kvNamespace = \"sessions-prod\")") + RESOURCES);
    assertThat(diff(before, after).toText()).isEqualTo("""
        worker "checkout" gains: kvNamespace SESSIONS -> service "sessions-prod" (kv: redis redis://10.0.0.5:6379/0 prefix "s:")
        worker "checkout" loses: kvNamespace SESSIONS -> service "sessions-dev" (kv: embedded /tmp/sessions)
        """);
  }

  @Test
  void aServiceBindingsEntrypointAndPropsArePartOfWhatItDesignates() throws Exception {
    String before = config(worker("checkout", "(name = \"API\", service = (name = \"api\", entrypoint = \"Public\"))") + API);
    String after = config(worker("checkout", "(name = \"API\", service = (name = \"api\", entrypoint = \"Admin\"))") + API);
    assertThat(diff(before, after).toText()).isEqualTo("""
        worker "checkout" gains: service API -> service "api" entrypoint "Admin" (worker)
        worker "checkout" loses: service API -> service "api" entrypoint "Public" (worker)
        """);
  }

  @Test
  void losingGlobalOutboundIsLosingNetworkEgress() throws Exception {
    String before = config(worker("checkout", "", ", globalOutbound = \"internet\"") + RESOURCES);
    String after = config(worker("checkout", "") + RESOURCES);
    assertThat(diff(before, after).toText()).isEqualTo(
        "worker \"checkout\" loses: network egress (globalOutbound \"internet\": allow [public] deny [10.0.0.0/8])\n");
    assertThat(diff(after, before).toText()).isEqualTo(
        "worker \"checkout\" gains: network egress (globalOutbound \"internet\": allow [public] deny [10.0.0.0/8])\n");
  }

  @Test
  void changedNetworkRulesChangeTheEgressOfEveryWorkerUsingTheNetwork() throws Exception {
    String workers = worker("a", "", ", globalOutbound = \"net\"") + worker("b", "(name = \"NET\", service = \"net\")");
    String before = config(workers + "(name = \"net\", network = (allow = [\"public\"])),\n");
    String after = config(workers + "(name = \"net\", network = (allow = [\"public\", \"private\"])),\n");
    assertThat(diff(before, after).toText()).isEqualTo("""
        worker "a" gains: network egress (globalOutbound "net": allow [public, private])
        worker "a" loses: network egress (globalOutbound "net": allow [public])
        worker "b" gains: service NET -> service "net" (network: allow [public, private])
        worker "b" loses: service NET -> service "net" (network: allow [public])
        """);
  }

  @Test
  void externalEgressNamesTheAddress() throws Exception {
    String before = config(worker("checkout", "") + RESOURCES);
    String after = config(worker("checkout", "", ", globalOutbound = \"payments\"") + RESOURCES);
    assertThat(diff(before, after).toText()).isEqualTo(
        "worker \"checkout\" gains: network egress (globalOutbound \"payments\": external 203.0.113.7:443 (https))\n");
  }

  @Test
  void aDerivedWorkerGainsWhatItsParentGains() throws Exception {
    String derived = "(name = \"checkout-test\", worker = (inherit = \"checkout\")),\n";
    String before = config(worker("checkout", "") + derived + RESOURCES);
    String after = config(worker("checkout", "(name = \"SESSIONS\", kvNamespace = \"sessions-prod\")") + derived + RESOURCES);
    String gain = "gains: kvNamespace SESSIONS -> service \"sessions-prod\" (kv: redis redis://10.0.0.5:6379/0 prefix \"s:\")\n";
    assertThat(diff(before, after).toText()).isEqualTo(
        "worker \"checkout\" " + gain + "worker \"checkout-test\" " + gain);
  }

  @Test
  void aParameterFilledDifferentlyIsAChangedDesignation() throws Exception {
    String base = worker("base", "(name = \"SESSIONS\", parameter = (type = (kvNamespace = void)))");
    String before = config(base + "(name = \"checkout\", worker = (inherit = \"base\", bindings = "
        + "[(name = \"SESSIONS\", kvNamespace = \"sessions-dev\")])),\n" + RESOURCES);
    String after = config(base + "(name = \"checkout\", worker = (inherit = \"base\", bindings = "
        + "[(name = \"SESSIONS\", kvNamespace = \"sessions-prod\")])),\n" + RESOURCES);
    PrivilegeDiff d = diff(before, after);
    // The abstract base runs nowhere, so it has no privileges of its own to report.
    assertThat(d.workers()).extracting(PrivilegeDiff.WorkerChange::worker).containsExactly("checkout");
    assertThat(d.toText()).isEqualTo("""
        worker "checkout" gains: kvNamespace SESSIONS -> service "sessions-prod" (kv: redis redis://10.0.0.5:6379/0 prefix "s:")
        worker "checkout" loses: kvNamespace SESSIONS -> service "sessions-dev" (kv: embedded /tmp/sessions)
        """);
  }

  @Test
  void aChangedSecretIsReportedByNameWithoutEitherValue() throws Exception {
    String before = config(worker("checkout", "(name = \"API_KEY\", secret = \"old-hunter2-value\"), "
        + "(name = \"GREETING\", text = \"old-greeting\")"));
    String after = config(worker("checkout", "(name = \"API_KEY\", secret = \"new-hunter3-value\"), "
        + "(name = \"GREETING\", text = \"new-greeting\")"));
    PrivilegeDiff d = diff(before, after);
    assertThat(d.isEmpty()).isFalse();
    // A text value is configuration, not a privilege: only the credential is reported.
    assertThat(d.toText()).isEqualTo("worker \"checkout\": secret API_KEY changed\n");
    assertThat(d.workers().get(0).credentialsChanged()).containsExactly("secret API_KEY");
    for (String out : new String[] {d.toText(), d.toJson(), d.toString(), d.workers().toString()}) {
      assertThat(out).doesNotContain("hunter", "greeting");
    }
    assertThat(d.toJson()).contains("\"credentialsChanged\" : [ \"secret API_KEY\" ]");
  }

  @Test
  void changedKeyMaterialIsReportedWithoutTheKey() throws Exception {
    String key = "(name = \"SIGNING\", cryptoKey = (hex = \"%s\", algorithm = (json = "
        + "\"{\\\"name\\\":\\\"HMAC\\\",\\\"hash\\\":\\\"SHA-256\\\"}\"), usages = [sign]))";
    PrivilegeDiff d = diff(config(worker("w", key.formatted("aaaa1111"))), config(worker("w", key.formatted("bbbb2222"))));
    assertThat(d.toText()).isEqualTo("worker \"w\": cryptoKey SIGNING changed\n");
    assertThat(d.toText() + d.toJson()).doesNotContain("aaaa1111", "bbbb2222");
  }

  @Test
  void changedKeyUsagesAreAChangedPrivilege() throws Exception {
    String key = "(name = \"SIGNING\", cryptoKey = (hex = \"aaaa1111\", algorithm = (json = "
        + "\"{\\\"name\\\":\\\"HMAC\\\",\\\"hash\\\":\\\"SHA-256\\\"}\"), usages = [%s]))";
    PrivilegeDiff d = diff(config(worker("w", key.formatted("verify"))), config(worker("w", key.formatted("sign, verify"))));
    assertThat(d.toText()).isEqualTo("""
        worker "w" gains: cryptoKey SIGNING ({"name":"HMAC","hash":"SHA-256"} [sign, verify])
        worker "w" loses: cryptoKey SIGNING ({"name":"HMAC","hash":"SHA-256"} [verify])
        """);
  }

  @Test
  void aPasswordInABackendUrlIsNeverPrinted() throws Exception {
    String before = config(worker("w", "") + "(name = \"kv\", kv = (redis = (url = \"redis://admin:pa55word@10.0.0.9:6379\"))),\n");
    String after = config(worker("w", "(name = \"KV\", kvNamespace = \"kv\")")
        + "(name = \"kv\", kv = (redis = (url = \"redis://admin:pa55word@10.0.0.9:6379\"))),\n");
    PrivilegeDiff d = diff(before, after);
    assertThat(d.toText()).isEqualTo("worker \"w\" gains: kvNamespace KV -> service \"kv\" (kv: redis redis://***@10.0.0.9:6379)\n");
    assertThat(d.toJson()).doesNotContain("pa55word", "admin");
  }

  @Test
  void addedAndRemovedWorkersListEveryPrivilege() throws Exception {
    String before = config(worker("old", "(name = \"T\", secret = \"x\")", ", globalOutbound = \"internet\"") + RESOURCES);
    String after = config(worker("new", "(name = \"SESSIONS\", kvNamespace = \"sessions-dev\")") + worker("idle", "") + RESOURCES);
    PrivilegeDiff d = diff(before, after);
    assertThat(d.toText()).isEqualTo("""
        worker "idle" added (no privileges)
        worker "new" added
        worker "new" gains: kvNamespace SESSIONS -> service "sessions-dev" (kv: embedded /tmp/sessions)
        worker "old" removed
        worker "old" loses: secret T
        worker "old" loses: network egress (globalOutbound "internet": allow [public] deny [10.0.0.0/8])
        """);
    assertThat(d.workers()).extracting(PrivilegeDiff.WorkerChange::status).containsExactly(
        PrivilegeDiff.Status.ADDED, PrivilegeDiff.Status.ADDED, PrivilegeDiff.Status.REMOVED);
  }

  @Test
  void bindingOrderAndServiceOrderAreNotPrivileges() throws Exception {
    String before = config(worker("a", "(name = \"X\", text = \"1\"), (name = \"Y\", service = \"b\")") + worker("b", ""));
    String after = config(worker("b", "") + worker("a", "(name = \"Y\", service = \"b\"), (name = \"X\", text = \"1\")"));
    assertThat(diff(before, after).isEmpty()).isTrue();
  }

  @Test
  void aWorkerReachingTheNetworkThroughAnotherWorkerGainsTransitiveReach() throws Exception {
    String checkout = worker("checkout", "(name = \"API\", service = \"api\")");
    String before = config(checkout + worker("api", "") + RESOURCES);
    String after = config(checkout + worker("api", "", ", globalOutbound = \"internet\"") + RESOURCES);
    PrivilegeDiff d = diff(before, after);
    assertThat(d.toText()).isEqualTo("""
        worker "api" gains: network egress (globalOutbound "internet": allow [public] deny [10.0.0.0/8])
        worker "checkout" gains: transitive reach: network "internet" (allow [public] deny [10.0.0.0/8]) through "api"
        """);
    assertThat(d.workers().get(1).gains().get(0).category()).isEqualTo(PrivilegeDiff.Category.REACH);
    assertThat(d.workers().get(1).gains().get(0).via()).containsExactly("api");
  }

  @Test
  void transitiveReachFollowsChainsAndLeavesOutTheIntermediatesOwnSecrets() throws Exception {
    String front = worker("front", "(name = \"MID\", service = \"middle\")");
    String middle = worker("middle", "(name = \"BACK\", service = \"back\"), (name = \"TOKEN\", secret = \"t0ken\")");
    String before = config(front + middle + worker("back", "") + RESOURCES);
    String after = config(front + middle + worker("back", "", ", globalOutbound = \"payments\"") + RESOURCES);
    PrivilegeDiff d = diff(before, after);
    assertThat(d.toText()).isEqualTo("""
        worker "back" gains: network egress (globalOutbound "payments": external 203.0.113.7:443 (https))
        worker "front" gains: transitive reach: external "payments" (203.0.113.7:443 (https)) through "middle" -> "back"
        worker "middle" gains: transitive reach: external "payments" (203.0.113.7:443 (https)) through "back"
        """);
  }

  @Test
  void reachingTheSameNetworkDirectlyInsteadOfThroughAWorkerIsReportedBothWays() throws Exception {
    String api = worker("api", "", ", globalOutbound = \"internet\"");
    String before = config(worker("w", "", ", globalOutbound = \"internet\"") + api + RESOURCES);
    String after = config(worker("w", "(name = \"API\", service = \"api\")") + api + RESOURCES);
    assertThat(diff(before, after).toText()).isEqualTo("""
        worker "w" gains: service API -> service "api" (worker)
        worker "w" gains: transitive reach: network "internet" (allow [public] deny [10.0.0.0/8]) through "api"
        worker "w" loses: network egress (globalOutbound "internet": allow [public] deny [10.0.0.0/8])
        """);
    // Holding it directly as well as through "api": no new reach.
    String both = config(worker("w", "(name = \"API\", service = \"api\")", ", globalOutbound = \"internet\"") + api + RESOURCES);
    assertThat(diff(before, both).toText()).isEqualTo("worker \"w\" gains: service API -> service \"api\" (worker)\n");
  }

  @Test
  void socketChangesShowNewPublicExposure() throws Exception {
    String services = worker("checkout", "") + worker("admin", "") + RESOURCES;
    String before = config(services, """
        (name = "http", address = "127.0.0.1:8080", http = (), service = "checkout"),
        (name = "old", address = "127.0.0.1:7000", http = (), service = "checkout"),
        (name = "ops", address = "0.0.0.0:9000", http = (), service = "checkout"),
        (name = "tls", address = "127.0.0.1:8443", http = (), service = "checkout")
        """);
    String after = config(services, """
        (name = "http", address = "*:8080", http = (), service = "checkout"),
        (name = "new", address = "10.1.2.3:7001", http = (), service = "internet"),
        (name = "ops", address = "0.0.0.0:9000", http = (), service = "admin"),
        (name = "tls", address = "127.0.0.1:8443", https = (tlsOptions = (keypair = (privateKey = "k", certificateChain = "c"))), service = "checkout")
        """);
    PrivilegeDiff d = diff(before, after);
    assertThat(d.workers()).isEmpty();
    assertThat(d.toText()).isEqualTo("""
        socket "http" address: 127.0.0.1:8080 (loopback) -> *:8080 (all interfaces)  [new public exposure]
        socket "new" added: 10.1.2.3:7001 (interface 10.1.2.3) http -> service "internet" (network: allow [public] deny [10.0.0.0/8])  [new public exposure]
        socket "old" removed: 127.0.0.1:7000 (loopback) http -> service "checkout" (worker)
        socket "ops" now serves: service "admin" (worker) (was service "checkout" (worker))  [new public exposure]
        socket "tls" protocol: http -> https
        """);
    assertThat(d.toJson()).contains("\"change\" : \"address\"", "\"publicExposure\" : true");
  }

  @Test
  void movingASocketToLoopbackIsNotNewExposure() throws Exception {
    String services = worker("checkout", "");
    PrivilegeDiff d = diff(
        config(services, "(name = \"http\", address = \"*:8080\", http = (), service = \"checkout\")"),
        config(services, "(name = \"http\", address = \"[::1]:8080\", http = (), service = \"checkout\")"));
    assertThat(d.toText()).isEqualTo("socket \"http\" address: *:8080 (all interfaces) -> [::1]:8080 (loopback)\n");
  }

  @Test
  void jsonListsWorkersWithTheirGainsAndLosses() throws Exception {
    String before = config(worker("checkout", "", ", globalOutbound = \"internet\"") + RESOURCES);
    String after = config(worker("checkout", "(name = \"SESSIONS\", kvNamespace = \"sessions-prod\")") + RESOURCES);
    String json = diff(before, after).toJson();
    assertThat(json).contains("\"differ\" : true", "\"worker\" : \"checkout\"", "\"status\" : \"changed\"",
        "\"category\" : \"binding\"", "\"name\" : \"SESSIONS\"", "\"category\" : \"outbound\"",
        "\"name\" : \"globalOutbound\"", "\"sockets\" : [ ]");
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    assertThat(tree.get("workers").get(0).get("gains").get(0).get("text").asText())
        .isEqualTo("kvNamespace SESSIONS -> service \"sessions-prod\" (kv: redis redis://10.0.0.5:6379/0 prefix \"s:\")");
    assertThat(tree.get("workers").get(0).get("loses").get(0).get("text").asText())
        .isEqualTo("network egress (globalOutbound \"internet\": allow [public] deny [10.0.0.0/8])");
  }

  @Test
  void namesFromTheConfigCannotForgeOrHideLinesOfTheReview() throws Exception {
    // A reviewer reads one line per change: a name must not end its quotes, start a new line,
    // or reorder the text with a bidi override.
    String evil = "x\\\"\\nworker \\\"front\\\" loses: network egress";
    String before = config(worker("front", ""));
    String after = config(worker("front", "") + worker(evil, "(name = \"A\\nB\", text = \"v\"), "
        + "(name = \"KV\", kvNamespace = \"dir\")") + "(name = \"dir\", disk = (path = \"/srv/\u202egpj.exe\", writable = true)),\n");
    PrivilegeDiff d = diff(before, after);
    assertThat(d.toText()).isEqualTo("""
        worker "x\\"\\u{a}worker \\"front\\" loses: network egress" added
        worker "x\\"\\u{a}worker \\"front\\" loses: network egress" gains: text "A\\u{a}B"
        worker "x\\"\\u{a}worker \\"front\\" loses: network egress" gains: kvNamespace KV -> service "dir" (disk: /srv/\\u{202e}gpj.exe (writable))
        """);
  }

  @Test
  void userInfoRedactionKeepsHostAndPath() {
    assertThat(CapabilityReport.redactUserInfo("redis://:pw@h:1/0")).isEqualTo("redis://***@h:1/0");
    assertThat(CapabilityReport.redactUserInfo("redis://h:1/a@b")).isEqualTo("redis://h:1/a@b");
    assertThat(CapabilityReport.redactUserInfo("u:p@h")).isEqualTo("***@h");
    assertThat(CapabilityReport.redactUserInfo("redis://:a@h1:1,redis://:b@h2:2/0"))
        .isEqualTo("redis://***@h1:1,redis://***@h2:2/0");
    assertThat(CapabilityReport.redactUserInfo("http://h:9000")).isEqualTo("http://h:9000");
  }
}
